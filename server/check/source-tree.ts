// The files a check looks at, and what it knows of each: a content hash always, the text only
// when it had to read it. A file whose stat matches the stamp the cache recorded with its hash
// is not read (file-stamp.ts); its text is read later only if something needs it (a summary
// missing from the cache, --fix), and then checked against that hash.
import { readFileSync, statSync, type Stats } from 'node:fs';
import { messageOf } from '../../protocol/errors';
import { contentHash } from './analysis-cache';
import { stampOf, type FileStamp } from './file-stamp';

/** Files over this are not read at all (generated bundles, data dumps), as in the editor. */
export const MAX_DISK_BYTES = 20 * 1024 * 1024;

export interface StampSource {
  hashIfUnchanged(file: string, stat: Stats): string | undefined;
}

export class SourceTree {
  /** Every file kept, in the order given, with its content hash. */
  readonly hashes = new Map<string, string>();
  private readonly texts = new Map<string, string>();
  /** Stamps of the files read this run (undefined: changed too recently to trust). */
  private readonly stamps = new Map<string, FileStamp | undefined>();

  constructor(private readonly log: (message: string) => void) {}

  read(files: readonly string[], known: StampSource): void {
    const readAt = Date.now();
    for (const file of files) {
      let stat: Stats;
      try {
        stat = statSync(file);
      } catch (error) {
        this.log(`skipped ${file}: ${messageOf(error)}`);
        continue;
      }
      if (stat.size > MAX_DISK_BYTES) {
        this.log(`skipped ${file}: ${stat.size} bytes is over the ${MAX_DISK_BYTES}-byte read limit`);
        continue;
      }
      const hash = known.hashIfUnchanged(file, stat);
      if (hash !== undefined) this.hashes.set(file, hash);
      else if (this.load(file) !== undefined) this.stamps.set(file, stampOf(stat, readAt));
    }
  }

  /** How many files this run read (the rest were known unchanged by their stamps). */
  get readCount(): number {
    return this.texts.size;
  }

  get files(): string[] {
    return [...this.hashes.keys()];
  }

  hash(file: string): string {
    const hash = this.hashes.get(file);
    if (hash === undefined) throw new Error(`source tree: ${file} was not read`);
    return hash;
  }

  /** True when this run read the file (so its stamp, if any, is new). */
  wasRead(file: string): boolean {
    return this.stamps.has(file);
  }

  stamp(file: string): FileStamp | undefined {
    return this.stamps.get(file);
  }

  /**
   * The file's text, read now if it was not; its hash is updated to what was read (the file
   * changed since its stat only if someone is writing it during the check).
   */
  text(file: string): string | undefined {
    return this.texts.get(file) ?? this.load(file);
  }

  /** The text whose hash this check used, or undefined if the file no longer holds it. */
  textAsChecked(file: string): string | undefined {
    const expected = this.hashes.get(file);
    const text = this.texts.get(file) ?? this.readQuietly(file);
    return text !== undefined && contentHash(text) === expected ? text : undefined;
  }

  private load(file: string): string | undefined {
    const text = this.readQuietly(file, true);
    if (text === undefined) return undefined;
    this.texts.set(file, text);
    this.hashes.set(file, contentHash(text));
    return text;
  }

  private readQuietly(file: string, say = false): string | undefined {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      if (say) this.log(`skipped ${file}: ${messageOf(error)}`);
      return undefined;
    }
  }
}
