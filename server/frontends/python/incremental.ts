// Re-parsing after an edit: keep the last tree per file and hand it to tree-sitter with the
// changed span, so only the edited region is parsed again (see ../reparse-cache.ts).
import { Edit, type Parser, type Point, type Tree } from 'web-tree-sitter';
import { changedSpan, ReparseCache } from '../reparse-cache';

const MAX_CACHED_TREES = 32;

function pointAt(text: string, index: number): Point {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  // web-tree-sitter takes UTF-16 offsets and columns for string input.
  return { row, column: index - lineStart };
}

export class TreeCache {
  private readonly trees: ReparseCache<Tree>;

  constructor(limit = MAX_CACHED_TREES) {
    this.trees = new ReparseCache<Tree>(limit, (tree) => tree.delete());
  }

  /** Whether a tree for `path` is kept (the file was parsed before and is likely being edited). */
  has(path: string): boolean {
    return this.trees.has(path);
  }

  /** The tree for `text`; owned by the cache (do not delete it). */
  parse(parser: Parser, path: string, text: string): Tree | null {
    const previous = this.trees.take(path);
    let tree: Tree | null;
    if (previous && previous.text === text) {
      tree = previous.value;
    } else if (previous) {
      const { start, oldEnd, newEnd } = changedSpan(previous.text, text);
      previous.value.edit(
        new Edit({
          startIndex: start,
          oldEndIndex: oldEnd,
          newEndIndex: newEnd,
          startPosition: pointAt(previous.text, start),
          oldEndPosition: pointAt(previous.text, oldEnd),
          newEndPosition: pointAt(text, newEnd),
        }),
      );
      try {
        tree = parser.parse(text, previous.value);
      } finally {
        previous.value.delete();
      }
    } else {
      tree = parser.parse(text);
    }
    if (tree) this.trees.put(path, text, tree);
    return tree;
  }
}
