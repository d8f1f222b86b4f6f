// Small helpers over tree-sitter-python nodes: ranges, dotted names, call arguments.
import type { Node } from 'web-tree-sitter';
import type { SourceRange } from '../../analysis/summary';

/** web-tree-sitter parses JS strings as UTF-16, so columns are already LSP characters. */
export function rangeOf(node: Node): SourceRange {
  return {
    start: { line: node.startPosition.row, character: node.startPosition.column },
    end: { line: node.endPosition.row, character: node.endPosition.column },
  };
}

export function namedChildren(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null);
}

/** `async def` starts with an anonymous `async` child (so do `async for` / `async with`); only
 *  the first child is read, since each child costs a trip into wasm. */
export function hasAsyncKeyword(node: Node): boolean {
  return node.firstChild?.type === 'async';
}

/** `a.b.c` written with ASCII names only and nothing between them (no spaces, comments, calls). */
const NAME_CHAIN = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
/** Literals that look like names but are not identifier nodes. */
const NOT_NAMES = new Set(['True', 'False', 'None']);

/** The names of a callee written as a plain dotted name chain, or null for anything else. */
export function nameChain(text: string): string[] | null {
  if (!NAME_CHAIN.test(text)) return null;
  const names = text.split('.');
  return NOT_NAMES.has(names[0] ?? '') ? null : names;
}

/** Skip wrapping parentheses: `(time.sleep)(1)`. */
export function unparenthesize(node: Node): Node {
  let current = node;
  while (current.type === 'parenthesized_expression') {
    const inner = current.namedChildren.find((c) => c !== null && c.type !== 'comment');
    if (!inner) break;
    current = inner;
  }
  return current;
}

export interface CallArguments {
  /** Positional arguments before any `*splat` (after one, positions are unknown). */
  positional: Node[];
  keywords: Map<string, Node>;
  /** The argument list is a bare generator: `f(x for x in y)`. */
  isGenerator: boolean;
}

export function callArguments(call: Node): CallArguments {
  const args = call.childForFieldName('arguments');
  const result: CallArguments = { positional: [], keywords: new Map(), isGenerator: false };
  if (!args) return result;
  if (args.type === 'generator_expression') {
    result.isGenerator = true;
    return result;
  }
  let afterSplat = false;
  for (const arg of namedChildren(args)) {
    if (arg.type === 'comment' || arg.type === 'dictionary_splat') continue;
    if (arg.type === 'keyword_argument') {
      const name = arg.childForFieldName('name');
      const value = arg.childForFieldName('value');
      if (name && value) result.keywords.set(name.text, value);
    } else if (arg.type === 'list_splat') {
      afterSplat = true;
    } else if (!afterSplat) {
      result.positional.push(arg);
    }
  }
  return result;
}

export function argumentAt(
  args: CallArguments,
  position: number | undefined,
  keyword: string | undefined,
): Node | undefined {
  const byName = keyword === undefined ? undefined : args.keywords.get(keyword);
  return byName ?? (position === undefined ? undefined : args.positional[position]);
}
