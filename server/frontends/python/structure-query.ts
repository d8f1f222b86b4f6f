// The nodes pass 1 needs, fetched with one tree-sitter query instead of a walk: the query runs
// inside wasm and hands back only the matching nodes, where a cursor walk pays one or more wasm
// calls for every node of the tree (most of them tokens and names nothing looks at).
import { Query, type Language, type Node } from 'web-tree-sitter';

/** Node types pass 1 looks at (scope-collector.ts decides what each means). */
export const STRUCTURE_TYPES = [
  'decorated_definition',
  'function_definition',
  'class_definition',
  'lambda',
  'import_statement',
  'import_from_statement',
  'future_import_statement',
  'assignment',
  'augmented_assignment',
  'for_statement',
  'named_expression',
  'as_pattern',
  'global_statement',
  'call',
  'with_item',
  'while_statement',
] as const;

/** Where a node sits, as far as anything reads it: fixes put `await` only before a call that
 *  stands alone, and `with X as v` types v. */
export type Position = 'statement' | 'assigned-value' | 'with-item' | 'nested';

export interface StructureNode {
  node: Node;
  type: string;
  startIndex: number;
  endIndex: number;
  position: Position;
}

export interface CommentNode {
  line: number;
  column: number;
  text: string;
}

const POSITION_PATTERNS = `
(expression_statement (call) @statement)
(return_statement (call) @statement)
(assignment right: (call) @assigned-value)
(with_item value: (as_pattern) @with-item)`;

const queries = new WeakMap<Language, { plain: Query; withComments: Query }>();

function queriesFor(language: Language): { plain: Query; withComments: Query } {
  let found = queries.get(language);
  if (found === undefined) {
    const structure = `[${STRUCTURE_TYPES.map((t) => `(${t})`).join(' ')}] @node\n${POSITION_PATTERNS}`;
    found = {
      plain: new Query(language, structure),
      withComments: new Query(language, `${structure}\n(comment) @comment`),
    };
    queries.set(language, found);
  }
  return found;
}

/**
 * Every structure node in document order, outer before inner (a parent before the nodes it
 * contains), and the comments when asked for.
 */
export function structureOf(
  root: Node,
  wantComments: boolean,
  range?: { startIndex: number; endIndex: number },
): { nodes: StructureNode[]; comments: CommentNode[] } {
  const query = wantComments ? queriesFor(root.tree.language).withComments : queriesFor(root.tree.language).plain;
  const positions = new Map<number, Position>();
  const nodes: StructureNode[] = [];
  const comments: CommentNode[] = [];
  const captures = range
    ? query.captures(root, { startIndex: range.startIndex, endIndex: range.endIndex })
    : query.captures(root);
  for (const { name, node } of captures) {
    if (name === 'node') {
      const startIndex = node.startIndex;
      // A ranged query also returns nodes that only touch the range.
      if (range && (startIndex < range.startIndex || startIndex >= range.endIndex)) continue;
      nodes.push({ node, type: node.type, startIndex, endIndex: node.endIndex, position: 'nested' });
    } else if (name === 'comment') {
      if (range && (node.startIndex < range.startIndex || node.startIndex >= range.endIndex)) continue;
      comments.push({ line: node.startPosition.row, column: node.startPosition.column, text: node.text });
    } else {
      positions.set(node.id, name as Position);
    }
  }
  for (const n of nodes) n.position = positions.get(n.node.id) ?? 'nested';
  // Same start: the longer node contains the shorter one and comes first.
  nodes.sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
  return { nodes, comments };
}

/** ERROR and MISSING nodes in the tree (only called when the root reports an error). */
export function countParseErrors(root: Node): number {
  const cursor = root.walk();
  let errors = 0;
  try {
    for (;;) {
      if (cursor.nodeType === 'ERROR' || cursor.nodeIsMissing) errors++;
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return errors;
      }
    }
  } finally {
    cursor.delete();
  }
}
