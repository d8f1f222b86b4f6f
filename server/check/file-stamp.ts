// When a check may trust that a file is unchanged without reading it: its size, modification
// and change times and inode are what they were when its content was last hashed (as git's
// index and ruff's cache do). ctime moves on every write, rename onto the path or chmod and
// cannot be set back by tools that restore mtimes (tar, cp -p, rsync -t); the inode tells a
// file replaced by another. A stamp is recorded only for a file last changed well before it
// was read: a write landing in the same clock tick as the read, after it, would otherwise
// leave a stamp that matches content it never saw (git's "racily clean" entries).
import type { Stats } from 'node:fs';

/** [size, mtimeMs, ctimeMs, ino] */
export type FileStamp = [number, number, number, number];

/** A file changed less than this before it was read is read again next time. */
export const RACY_MS = 2000;

/** The stamp to record for a file read at `readAtMs` (wall clock), or undefined if it is too fresh to trust. */
export function stampOf(
  stat: Pick<Stats, 'size' | 'mtimeMs' | 'ctimeMs' | 'ino'>,
  readAtMs: number,
): FileStamp | undefined {
  if (Math.max(stat.mtimeMs, stat.ctimeMs) > readAtMs - RACY_MS) return undefined;
  return [stat.size, stat.mtimeMs, stat.ctimeMs, stat.ino];
}

export function sameStamp(a: FileStamp, stat: Pick<Stats, 'size' | 'mtimeMs' | 'ctimeMs' | 'ino'>): boolean {
  return a[0] === stat.size && a[1] === stat.mtimeMs && a[2] === stat.ctimeMs && a[3] === stat.ino;
}

export function isStamp(v: unknown): v is FileStamp {
  return Array.isArray(v) && v.length === 4 && v.every((n) => typeof n === 'number' && Number.isFinite(n));
}
