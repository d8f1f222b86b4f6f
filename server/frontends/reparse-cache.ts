// Shared by both front ends for re-parsing after an edit: the last parse per file, bounded (least
// recently used first out), and the span an edit changed, found as the common prefix and suffix
// of the old and new text (LSP sends ranges, but the server hands the front ends whole texts).

/** Offsets (UTF-16) of the changed region: [start, oldEnd) in the old text became [start, newEnd). */
export interface ChangedSpan {
  start: number;
  oldEnd: number;
  newEnd: number;
}

export function changedSpan(before: string, after: string): ChangedSpan {
  let start = 0;
  const shorter = Math.min(before.length, after.length);
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let oldEnd = before.length;
  let newEnd = after.length;
  while (oldEnd > start && newEnd > start && before.charCodeAt(oldEnd - 1) === after.charCodeAt(newEnd - 1)) {
    oldEnd--;
    newEnd--;
  }
  return { start, oldEnd, newEnd };
}

export interface Parsed<T> {
  text: string;
  value: T;
}

export class ReparseCache<T> {
  private readonly entries = new Map<string, Parsed<T>>();

  /** @param free releases an entry pushed out by newer ones (wasm trees need an explicit delete) */
  constructor(
    private readonly limit: number,
    private readonly free: (value: T) => void = () => undefined,
  ) {}

  has(path: string): boolean {
    return this.entries.has(path);
  }

  /** Removes and returns the last parse of `path`; the caller re-parses from it and puts the result back. */
  take(path: string): Parsed<T> | undefined {
    const entry = this.entries.get(path);
    this.entries.delete(path);
    return entry;
  }

  put(path: string, text: string, value: T): void {
    this.entries.set(path, { text, value });
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.limit) break;
      this.free(entry.value);
      this.entries.delete(oldest);
    }
  }
}
