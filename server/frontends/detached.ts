// Memo records (python/unit-memo.ts, typescript/statement-memo.ts) outlive the text they were
// made from. V8 represents a slice of a string (a name, a comment, a fix's text built from the
// source) as a view into the whole string, so one such slice in a record kept that version of
// the file alive for as long as the record was replayed: a file edited 2,400 times held 40 old
// copies of itself.

/** Slices shorter than this are copies already (V8's threshold is 13 characters). */
const SHORTEST_VIEW = 13;

/** A copy of `text` that shares no characters with the string it was sliced from. */
export function detached(text: string): string {
  // Slicing a concatenation flattens it into a new string first: the slice points into that copy.
  return text.length < SHORTEST_VIEW ? text : ` ${text}`.slice(1);
}

/** Replaces, in place, every string in a tree of plain objects and arrays with a detached copy. */
export function detachStrings<T extends object>(tree: T): T {
  const node = tree as Record<string, unknown>; // an array's indices are its keys too
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (typeof value === 'string') node[key] = detached(value);
    else if (typeof value === 'object' && value !== null) detachStrings(value);
  }
  return tree;
}
