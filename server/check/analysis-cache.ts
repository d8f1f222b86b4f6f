// The persistent cache of `openrtc check` (and the language server's start-up scan), two JSON
// files under <root>/.openrtc/cache/: analysis.json, each file's content hash, stamp and
// findings, and summaries.json, each file's summary. Entries are keyed by a hash of the file's
// content; both files by the analyser's version and the settings the front ends honour, so a
// new build or a changed setting starts afresh. Findings are tagged with the settings and the
// set of files they were computed against (a chain depends on the other files), so a check of
// an unchanged tree reads them back from the small file and never reads the summaries (most of
// the bytes, and most of a warm run's time when they were one file). Findings are stored in
// the compact form of finding-codec.ts; a file's stamp (file-stamp.ts) lets a warm check skip
// reading and hashing it. node:crypto is loaded only when something is hashed: a warm check
// reads no file, and takes its findings' scope hash from the run before (scopeHash), so it never
// loads the module (~7 ms of its quarter second).
// The files are outside input (anything may have written them): a bad one is ignored, never
// trusted in part. Writes go to a temporary file renamed into place, so a reader never sees
// half a file; each summary carries its own content hash, so the two files need not agree.
import type * as Crypto from 'node:crypto';
import { promises as fs, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { FileSummary } from '../analysis/summary';
import type { Finding } from '../core/findings';
import { type FileStamp, isStamp, sameStamp } from './file-stamp';
import { encodeFindings, FindingDecoder, MalformedFinding, StringTable } from './finding-codec';
import { FRONT_END_BUNDLES } from './front-end-bundles';
import type { Stats } from 'node:fs';

const FORMAT = 6;
export const CACHE_FILE = 'analysis.json';
export const SUMMARIES_FILE = 'summaries.json';

export interface CachedFindings {
  /** settingsKey + the sorted file list they were computed with (see findingsScope). */
  scope: string;
  items: Finding[];
}

export interface CachedFile {
  hash: string;
  summary: FileSummary;
  findings?: CachedFindings;
  /** Set when the file may be trusted unchanged by its stat next time (file-stamp.ts). */
  stamp?: FileStamp;
  /** The summary's JSON text, when it is at hand (a worker made it), so it need not be written again. */
  summaryText?: string;
}

interface StoredFile {
  hash: string;
  stamp?: FileStamp;
  findings?: CachedFindings;
}

/** A file's entry as written: findings encoded against the document's string table. */
interface WrittenFile {
  hash: string;
  stamp?: FileStamp;
  findings?: { scope: string; items: number[] };
}

/** A summary is kept as its JSON text, parsed only when that file's summary is needed. */
interface StoredSummary {
  hash: string;
  summary: string;
}

interface CacheHeader {
  format: number;
  analyser: string;
  frontEnd: string;
}

/** The last run's scope text and its hash (findingsScope), so the next run with the same text need not hash it. */
interface ScopeMemo {
  text: string;
  hash: string;
}

interface CacheDocument extends CacheHeader {
  strings: string[];
  scope?: ScopeMemo;
  files: Record<string, WrittenFile>;
}

interface SummariesDocument extends CacheHeader {
  summaries: Record<string, StoredSummary>;
}

/**
 * The analyser's version: the identity (size, modification time) of the bundles holding the
 * analysis, dist/analysis-worker.js and the front ends it loads, which the check and the server
 * build together; any rebuild starts the cache afresh. `fallback` (the caller's own bundle)
 * counts when there is no worker.
 */
export function analyserVersion(bundleDir: string, fallback: string): string {
  const identities: string[] = [];
  for (const name of ['analysis-worker.js', ...Object.values(FRONT_END_BUNDLES)]) {
    const s = statSync(path.join(bundleDir, name), { throwIfNoEntry: false });
    if (s !== undefined) identities.push(`${name}:${s.size}:${s.mtimeMs}`);
  }
  if (identities.length > 0) return identities.join(',');
  const own = statSync(fallback, { throwIfNoEntry: false });
  return own === undefined ? 'unknown' : `${path.basename(fallback)}:${own.size}:${own.mtimeMs}`;
}

let crypto: typeof Crypto | undefined;
const sha256 = (): Crypto.Hash =>
  (crypto ??= createRequire(__filename)('node:crypto') as typeof Crypto).createHash('sha256');

export const contentHash = (text: string): string => sha256().update(text).digest('base64url');

/** What a file's findings were computed against: the settings and layout (`settingsKey`) and every file checked. */
export function findingsScope(settingsKey: string, files: readonly string[]): string {
  return `${settingsKey}\0${files.join('\0')}`;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The document's scope memo, if it is one (anything else is as good as none: the scope is hashed again). */
function scopeMemoOf(v: unknown): ScopeMemo | undefined {
  if (!isRecord(v)) return undefined;
  const { text, hash } = v;
  return typeof text === 'string' && typeof hash === 'string' ? { text, hash } : undefined;
}

/** One entry of analysis.json, its findings decoded; throws MalformedFinding when out of shape. */
function readFileEntry(filePath: string, v: unknown, decoder: FindingDecoder): StoredFile {
  if (!isRecord(v) || typeof v['hash'] !== 'string') throw new MalformedFinding('no hash');
  const stored: StoredFile = { hash: v['hash'] };
  const stamp = v['stamp'];
  if (stamp !== undefined) {
    if (!isStamp(stamp)) throw new MalformedFinding('bad stamp');
    stored.stamp = stamp;
  }
  const f = v['findings'];
  if (f !== undefined) {
    if (!isRecord(f) || typeof f['scope'] !== 'string') throw new MalformedFinding('bad findings');
    stored.findings = { scope: f['scope'], items: decoder.decode(filePath, f['items']) };
  }
  return stored;
}

function readSummaryEntry(_path: string, v: unknown): StoredSummary {
  if (!isRecord(v) || typeof v['hash'] !== 'string' || typeof v['summary'] !== 'string')
    throw new MalformedFinding('not a summary entry');
  return { hash: v['hash'], summary: v['summary'] };
}

function isSummary(path: string, s: unknown): s is FileSummary {
  return (
    isRecord(s) &&
    s['path'] === path &&
    typeof s['language'] === 'string' &&
    Array.isArray(s['functions']) &&
    isRecord(s['exports']) &&
    Array.isArray(s['reexports']) &&
    Array.isArray(s['suppressions'])
  );
}

type Read<T> = { ok: true; entries: Map<string, T>; doc: Record<string, unknown> } | { ok: false; why: string | null };

/**
 * One of the two files: its entries, or why it is not used (null: there was none, or it was
 * written by another build or with other settings, which is expected and said nothing of).
 */
async function readEntries<T>(
  file: string,
  key: 'files' | 'summaries',
  header: CacheHeader,
  readEntry: (path: string, v: unknown, doc: Record<string, unknown>) => T,
): Promise<Read<T>> {
  let text: string;
  try {
    // As bytes, decoded in one call: readFile with an encoding decodes chunk by chunk.
    text = (await fs.readFile(file)).toString('utf8');
  } catch {
    return { ok: false, why: null };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, why: `${file} is not valid JSON` };
  }
  if (!isRecord(doc) || typeof doc['format'] !== 'number') return { ok: false, why: `${file}: not a cache file` };
  if (doc['format'] !== header.format || doc['analyser'] !== header.analyser || doc['frontEnd'] !== header.frontEnd)
    return { ok: false, why: null };
  const body = doc[key];
  if (!isRecord(body)) return { ok: false, why: `${file}: no ${key}` };
  const entries = new Map<string, T>();
  for (const [p, entry] of Object.entries(body)) {
    try {
      entries.set(p, readEntry(p, entry, doc));
    } catch (error) {
      if (!(error instanceof MalformedFinding)) throw error;
      return { ok: false, why: `${file}: entry for ${p} is malformed (${error.message})` };
    }
  }
  return { ok: true, entries, doc };
}

/**
 * JSON with every character past ASCII escaped (chains hold '→'): the next run decodes the file
 * as ASCII and parses a one-byte string, ~6 ms less of a warm check than UTF-8 into two-byte.
 */
const asciiJson = (doc: unknown): string =>
  JSON.stringify(doc).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

async function writeAtomically(file: string, doc: unknown): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await fs.writeFile(temp, asciiJson(doc));
  await fs.rename(temp, file);
}

export class AnalysisCache {
  private dirty = false;
  /** summaries.json, read on the first need (a warm check has none). */
  private summaries: Map<string, StoredSummary> | null = null;
  private summariesLoaded = false;
  private summariesDirty = false;
  /** Set by keepOnly: the files whose summaries are worth keeping. */
  private kept: ReadonlySet<string> | null = null;

  private constructor(
    private readonly dir: string | null,
    private readonly header: CacheHeader,
    private readonly files: Map<string, StoredFile>,
    /** Why what was on disk was not used, for the log; null when it was (or there was none). */
    readonly discarded: string | null,
    private scope: ScopeMemo | undefined,
  ) {}

  /** A cache that neither reads nor writes (--no-cache). */
  static disabled(): AnalysisCache {
    return new AnalysisCache(null, { format: FORMAT, analyser: '', frontEnd: '' }, new Map(), null, undefined);
  }

  static async load(root: string, analyser: string, frontEnd: string): Promise<AnalysisCache> {
    const dir = path.join(root, '.openrtc', 'cache');
    const header = { format: FORMAT, analyser, frontEnd };
    let decoder: FindingDecoder | undefined;
    const read = await readEntries(path.join(dir, CACHE_FILE), 'files', header, (p, v, doc) => {
      const strings = doc['strings'];
      if (!Array.isArray(strings)) throw new MalformedFinding('the document has no string table');
      decoder ??= new FindingDecoder(strings as unknown[]); // checks the table once
      return readFileEntry(p, v, decoder);
    });
    if (!read.ok) return new AnalysisCache(dir, header, new Map(), read.why, undefined);
    return new AnalysisCache(dir, header, read.entries, null, scopeMemoOf(read.doc['scope']));
  }

  /** The hash findings are tagged with for this scope text (findingsScope): the last run's when the text is the same. */
  scopeHash(text: string): string {
    if (this.scope?.text === text) return this.scope.hash;
    this.scope = { text, hash: sha256().update(text).digest('base64url') };
    this.dirty = this.dir !== null;
    return this.scope.hash;
  }

  get enabled(): boolean {
    return this.dir !== null;
  }

  /** Reads summaries.json before summaryFor is asked; returns why it was not used, if it was bad. */
  async loadSummaries(): Promise<string | null> {
    if (this.summariesLoaded) return null;
    this.summariesLoaded = true;
    const pending = this.summaries ?? new Map<string, StoredSummary>();
    if (this.dir === null) {
      this.summaries = pending;
      return null;
    }
    const read = await readEntries(path.join(this.dir, SUMMARIES_FILE), 'summaries', this.header, readSummaryEntry);
    this.summaries = read.ok ? read.entries : new Map();
    for (const [file, entry] of pending) this.summaries.set(file, entry); // set() before the load wins
    return read.ok ? null : read.why;
  }

  /** The summary stored for this content, if any (after loadSummaries); one that is not a summary is dropped. */
  summaryFor(filePath: string, hash: string): FileSummary | undefined {
    const entry = this.summaries?.get(filePath);
    if (entry === undefined || entry.hash !== hash) return undefined;
    let summary: unknown;
    try {
      summary = JSON.parse(entry.summary);
    } catch {
      summary = undefined;
    }
    if (isSummary(filePath, summary)) return summary;
    this.summaries?.delete(filePath);
    this.summariesDirty = true;
    return undefined;
  }

  /** The content hash last recorded for this file, if its stat still matches the stamp recorded with it. */
  hashIfUnchanged(filePath: string, stat: Pick<Stats, 'size' | 'mtimeMs' | 'ctimeMs' | 'ino'>): string | undefined {
    const entry = this.files.get(filePath);
    return entry?.stamp !== undefined && sameStamp(entry.stamp, stat) ? entry.hash : undefined;
  }

  /** Records a stamp for a file read this run whose content is what the entry holds (so next time it is not read). */
  restamp(filePath: string, hash: string, stamp: FileStamp | undefined): void {
    const entry = this.files.get(filePath);
    if (this.dir === null || entry === undefined || entry.hash !== hash) return;
    if (
      stamp === undefined
        ? entry.stamp === undefined
        : entry.stamp !== undefined && entry.stamp.every((n, i) => n === stamp[i])
    )
      return;
    if (stamp === undefined) delete entry.stamp;
    else entry.stamp = stamp;
    this.dirty = true;
  }

  findingsFor(filePath: string, hash: string, scope: string): Finding[] | undefined {
    const entry = this.files.get(filePath);
    return entry !== undefined && entry.hash === hash && entry.findings?.scope === scope
      ? entry.findings.items
      : undefined;
  }

  set(filePath: string, entry: CachedFile): void {
    if (this.dir === null) return;
    const stored: StoredFile = { hash: entry.hash };
    if (entry.stamp !== undefined) stored.stamp = entry.stamp;
    if (entry.findings !== undefined) stored.findings = entry.findings;
    this.files.set(filePath, stored);
    this.dirty = true;
    const known = this.summaries?.get(filePath);
    if (known?.hash === entry.hash) return; // the same content's summary is already stored
    const summary = entry.summaryText ?? JSON.stringify(entry.summary);
    (this.summaries ??= new Map()).set(filePath, { hash: entry.hash, summary });
    this.summariesDirty = true;
  }

  /**
   * Forgets every file not in `files` (after a check of the whole tree: the others were deleted,
   * renamed or excluded), so the cache does not grow with every file the tree ever held.
   * Summaries are pruned when they are written anyway (a warm check does not read them).
   */
  keepOnly(files: readonly string[]): void {
    const keep = new Set(files);
    for (const file of this.files.keys())
      if (!keep.has(file)) {
        this.files.delete(file);
        this.dirty = this.dir !== null;
      }
    this.kept = keep;
  }

  async save(): Promise<void> {
    if (this.dir === null) return;
    if (this.summariesDirty) {
      // Entries set() before any load must not replace the other files' summaries on disk.
      await this.loadSummaries();
      const kept = this.kept;
      if (kept !== null)
        for (const file of this.summaries?.keys() ?? []) if (!kept.has(file)) this.summaries?.delete(file);
      const doc: SummariesDocument = { ...this.header, summaries: Object.fromEntries(this.summaries ?? []) };
      await writeAtomically(path.join(this.dir, SUMMARIES_FILE), doc);
      this.summariesDirty = false;
    }
    if (this.dirty) {
      const table = new StringTable();
      const files: Record<string, WrittenFile> = {};
      for (const [file, stored] of this.files) {
        const written: WrittenFile = { hash: stored.hash };
        if (stored.stamp !== undefined) written.stamp = stored.stamp;
        if (stored.findings !== undefined)
          written.findings = {
            scope: stored.findings.scope,
            items: encodeFindings(stored.findings.items, table),
          };
        files[file] = written;
      }
      const doc: CacheDocument = {
        ...this.header,
        strings: table.strings,
        ...(this.scope !== undefined ? { scope: this.scope } : {}),
        files,
      };
      await writeAtomically(path.join(this.dir, CACHE_FILE), doc);
      this.dirty = false;
    }
  }
}
