// Re-parsing after an edit: keep the last tree per file and hand it to tree-sitter with the
// changed span (found as the common prefix/suffix of the old and new text), so only the edited
// region is parsed again. Bounded: the least recently used trees are freed past the limit.
import { Edit, type Parser, type Point, type Tree } from 'web-tree-sitter';

const MAX_CACHED_TREES = 32;

interface Cached {
  text: string;
  tree: Tree;
}

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
  private readonly trees = new Map<string, Cached>();

  constructor(private readonly limit = MAX_CACHED_TREES) {}

  /** The tree for `text`; owned by the cache (do not delete it). */
  parse(parser: Parser, path: string, text: string): Tree | null {
    const previous = this.trees.get(path);
    this.trees.delete(path);
    let tree: Tree | null;
    if (previous && previous.text === text) {
      tree = previous.tree;
    } else if (previous) {
      this.applyEdit(previous, text);
      tree = parser.parse(text, previous.tree);
      previous.tree.delete();
    } else {
      tree = parser.parse(text);
    }
    if (!tree) return null;
    this.trees.set(path, { text, tree });
    for (const [oldest, entry] of this.trees) {
      if (this.trees.size <= this.limit) break;
      entry.tree.delete();
      this.trees.delete(oldest);
    }
    return tree;
  }

  private applyEdit(previous: Cached, text: string): void {
    const before = previous.text;
    let start = 0;
    const shorter = Math.min(before.length, text.length);
    while (start < shorter && before.charCodeAt(start) === text.charCodeAt(start)) start++;
    let oldEnd = before.length;
    let newEnd = text.length;
    while (oldEnd > start && newEnd > start && before.charCodeAt(oldEnd - 1) === text.charCodeAt(newEnd - 1)) {
      oldEnd--;
      newEnd--;
    }
    previous.tree.edit(new Edit({
      startIndex: start,
      oldEndIndex: oldEnd,
      newEndIndex: newEnd,
      startPosition: pointAt(before, start),
      oldEndPosition: pointAt(before, oldEnd),
      newEndPosition: pointAt(text, newEnd),
    }));
  }
}
