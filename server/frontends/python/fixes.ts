// Quick fixes for blocking calls inside `async def`, only where the rewrite is mechanical:
//  - `time.sleep(x)` → `await asyncio.sleep(x)` (preferred: same behaviour, minus the stall);
//  - `f(a, k=v)` → `await asyncio.to_thread(f, a, k=v)` for rules whose call may move to a
//    thread (see PythonRule.offloadFix). to_thread takes `func` positional-only and forwards
//    *args/**kwargs, so keyword arguments pass through unchanged.
// Both need the call to stand where `await` can be put in front of it without changing
// precedence (a statement, an assignment's value, a return value), and the callee to be a plain
// name chain so moving it into to_thread's argument list evaluates nothing differently.
// `import asyncio` is added when the file has none, respecting an existing alias.
import type { Node } from 'web-tree-sitter';
import type { FixSuggestion, TextEdit } from '../../analysis/summary';
import type { FileScopes, FunctionInfo, Pending } from './scopes';
import type { Resolver } from './resolve';
import { namedChildren, rangeOf, unparenthesize } from './syntax';

export interface FixContext {
  root: Node;
  text: string;
  file: FileScopes;
  resolver: Resolver;
  /** Computed on first use: module-level names bound to asyncio, and where to add the import. */
  asyncioNames?: string[];
  importLine?: number;
}

/** Where the call sits (see Pending). */
export type CallPlace = Pick<Pending, 'position'>;

function standsAlone(place: CallPlace): boolean {
  return place.position === 'statement' || place.position === 'assigned-value';
}

function isNameChain(node: Node): boolean {
  const n = unparenthesize(node);
  if (n.type === 'identifier') return true;
  if (n.type !== 'attribute') return false;
  const object = n.childForFieldName('object');
  return object !== null && isNameChain(object);
}

/** How loop code refers to asyncio here, and the edit that imports it when nothing does. */
function asyncioAccess(fn: FunctionInfo, ctx: FixContext): { name: string; importEdit: TextEdit | null } | null {
  ctx.asyncioNames ??= [...ctx.file.moduleScope.bindings]
    .filter(([, binding]) => binding.kind === 'module' && binding.module === 'asyncio')
    .map(([name]) => name);
  for (const name of ctx.asyncioNames) {
    if (ctx.resolver.lookup(name, fn.scope)?.binding === ctx.file.moduleScope.bindings.get(name))
      return { name, importEdit: null };
  }
  const local = ctx.resolver.lookup('asyncio', fn.scope);
  if (local?.binding.kind === 'module' && local.binding.module === 'asyncio')
    return { name: 'asyncio', importEdit: null };
  if (local) return null; // the name means something else here
  const line = addedImportLine(ctx);
  return {
    name: 'asyncio',
    importEdit: { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: 'import asyncio\n' },
  };
}

/** Before the first ordinary top-level import; else after the docstring and `__future__` imports. */
/** The line an added `import asyncio` goes on (computed once per analysis). */
export function addedImportLine(ctx: FixContext): number {
  return (ctx.importLine ??= importLine(ctx));
}

function importLine(ctx: FixContext): number {
  // tree-sitter-python gives `from __future__ import x` its own node type, which must stay first.
  const isFuture = (n: Node): boolean => n.type === 'future_import_statement';
  const first = ctx.file.topLevelImports.find((n) => !isFuture(n));
  if (first) return first.startPosition.row;
  let line = 0;
  for (const statement of namedChildren(ctx.root)) {
    const isDocstring =
      statement.type === 'expression_statement' && statement.namedChild(0)?.type === 'string' && line === 0;
    const isFutureImport = isFuture(statement);
    if (statement.type === 'comment') continue;
    if (!isDocstring && !isFutureImport) break;
    line = statement.endPosition.row + 1;
  }
  return line;
}

function canRewrite(place: CallPlace, fn: FunctionInfo): boolean {
  return fn.isAsync && !fn.isLambda && standsAlone(place);
}

export function sleepFix(place: CallPlace, callee: Node, fn: FunctionInfo, ctx: FixContext): FixSuggestion | null {
  if (!canRewrite(place, fn)) return null;
  const asyncio = asyncioAccess(fn, ctx);
  if (!asyncio) return null;
  const edits: TextEdit[] = [{ range: rangeOf(callee), newText: `await ${asyncio.name}.sleep` }];
  if (asyncio.importEdit) edits.push(asyncio.importEdit);
  return { title: `Replace with \`await ${asyncio.name}.sleep(...)\``, edits, preferred: true };
}

export function offloadFix(
  call: Node,
  place: CallPlace,
  callee: Node,
  fn: FunctionInfo,
  ctx: FixContext,
): FixSuggestion | null {
  if (!canRewrite(place, fn) || !isNameChain(callee)) return null;
  const args = call.childForFieldName('arguments');
  // `f(x for x in y)` would need new parentheses; a comment could swallow the closing one.
  if (!args || args.type !== 'argument_list' || namedChildren(args).some((a) => a.type === 'comment')) return null;
  const asyncio = asyncioAccess(fn, ctx);
  if (!asyncio) return null;
  const inner = ctx.text
    .slice(args.startIndex + 1, args.endIndex - 1)
    .trim()
    .replace(/,$/, '');
  const calleeText = ctx.text.slice(callee.startIndex, callee.endIndex);
  const newText = `await ${asyncio.name}.to_thread(${calleeText}${inner ? `, ${inner}` : ''})`;
  const edits: TextEdit[] = [{ range: rangeOf(call), newText }];
  if (asyncio.importEdit) edits.push(asyncio.importEdit);
  return { title: `Run in a thread: \`await ${asyncio.name}.to_thread(${calleeText}, ...)\``, edits, preferred: false };
}
