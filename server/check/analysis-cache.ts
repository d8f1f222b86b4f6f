// The persistent cache of `openrtc check` (and the language server's start-up scan), one JSON
// file under <root>/.openrtc/cache/. Each file's entry is keyed by a hash of its content; the
// whole cache by the analyser's version and the settings the front ends honour, so a new build
// or a changed setting starts it afresh. Findings ride along, tagged with the settings and the
// set of files they were computed against (a chain depends on the other files), so a check of
// an unchanged tree reads them back instead of computing them.
// The file is an outside input (anything may have written it): a bad one is ignored, never
// trusted in part. Writes go to a temporary file renamed into place, so a reader never sees
// half a cache and two writers cannot interleave.
import { createHash } from 'node:crypto';
import { promises as fs, statSync } from 'node:fs';
import * as path from 'node:path';
import type { FileSummary } from '../analysis/summary';
import type { Finding } from '../core/findings';

const FORMAT = 2;
export const CACHE_FILE = 'analysis.json';

export interface CachedFindings {
  /** settingsKey + the sorted file list they were computed with (see findingsScope). */
  scope: string;
  items: Finding[];
}

export interface CachedFile {
  hash: string;
  summary: FileSummary;
  findings?: CachedFindings;
}

/**
 * On disk a summary is kept as its JSON text, parsed only when it is needed: a check of an
 * unchanged tree reads back findings and never builds the summaries' objects (most of the
 * cache, and most of its load time and garbage).
 */
interface StoredFile {
  hash: string;
  summary: string;
  findings?: CachedFindings;
}

interface CacheDocument {
  format: number;
  analyser: string;
  frontEnd: string;
  files: Record<string, StoredFile>;
}

/**
 * The analyser's version: the identity (size, modification time) of the bundle holding the front
 * ends, dist/analysis-worker.js, which the check and the server build together; any rebuild
 * starts the cache afresh. `fallback` (the caller's own bundle) counts when there is no worker.
 */
export function analyserVersion(bundleDir: string, fallback: string): string {
  for (const file of [path.join(bundleDir, 'analysis-worker.js'), fallback]) {
    const s = statSync(file, { throwIfNoEntry: false });
    if (s !== undefined) return `${path.basename(file)}:${s.size}:${s.mtimeMs}`;
  }
  return 'unknown';
}

export const contentHash = (text: string): string => createHash('sha256').update(text).digest('base64url');

export function findingsScope(settingsKey: string, files: readonly string[]): string {
  const h = createHash('sha256').update(settingsKey);
  for (const f of files) h.update('\0').update(f);
  return h.digest('base64url');
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function isStoredFile(v: unknown): v is StoredFile {
  if (!isRecord(v) || typeof v['hash'] !== 'string' || typeof v['summary'] !== 'string') return false;
  const f = v['findings'];
  return f === undefined || (isRecord(f) && typeof f['scope'] === 'string' && Array.isArray(f['items']));
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

export class AnalysisCache {
  private dirty = false;

  private constructor(
    private readonly file: string | null,
    private readonly analyser: string,
    private readonly frontEnd: string,
    private readonly files: Map<string, StoredFile>,
    /** Why what was on disk was not used, for the log; null when it was (or there was none). */
    readonly discarded: string | null,
  ) {}

  /** A cache that neither reads nor writes (--no-cache). */
  static disabled(): AnalysisCache {
    return new AnalysisCache(null, '', '', new Map(), null);
  }

  static async load(root: string, analyser: string, frontEnd: string): Promise<AnalysisCache> {
    const file = path.join(root, '.openrtc', 'cache', CACHE_FILE);
    const fresh = (why: string | null): AnalysisCache => new AnalysisCache(file, analyser, frontEnd, new Map(), why);
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch {
      return fresh(null);
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      return fresh(`${file} is not valid JSON`);
    }
    if (!isRecord(doc) || typeof doc['format'] !== 'number') return fresh(`${file}: not a cache file`);
    // Another cache format, build or front-end settings: start afresh without a word (it is expected).
    if (doc['format'] !== FORMAT || doc['analyser'] !== analyser || doc['frontEnd'] !== frontEnd) return fresh(null);
    if (!isRecord(doc['files'])) return fresh(`${file}: no files`);
    const files = new Map<string, StoredFile>();
    for (const [p, entry] of Object.entries(doc['files'])) {
      if (!isStoredFile(entry)) return fresh(`${file}: entry for ${p} is malformed`);
      files.set(p, entry);
    }
    return new AnalysisCache(file, analyser, frontEnd, files, null);
  }

  get enabled(): boolean {
    return this.file !== null;
  }

  /** The summary stored for this content, if any; one that does not parse as a summary is dropped (re-analysed). */
  summaryFor(filePath: string, hash: string): FileSummary | undefined {
    const entry = this.files.get(filePath);
    if (entry === undefined || entry.hash !== hash) return undefined;
    let summary: unknown;
    try {
      summary = JSON.parse(entry.summary);
    } catch {
      summary = undefined;
    }
    if (isSummary(filePath, summary)) return summary;
    this.files.delete(filePath);
    this.dirty = true;
    return undefined;
  }

  findingsFor(filePath: string, hash: string, scope: string): Finding[] | undefined {
    const entry = this.files.get(filePath);
    return entry !== undefined && entry.hash === hash && entry.findings?.scope === scope
      ? entry.findings.items
      : undefined;
  }

  set(filePath: string, entry: CachedFile): void {
    if (this.file === null) return;
    const stored: StoredFile = { hash: entry.hash, summary: JSON.stringify(entry.summary) };
    if (entry.findings !== undefined) stored.findings = entry.findings;
    this.files.set(filePath, stored);
    this.dirty = true;
  }

  async save(): Promise<void> {
    if (this.file === null || !this.dirty) return;
    const doc: CacheDocument = {
      format: FORMAT,
      analyser: this.analyser,
      frontEnd: this.frontEnd,
      files: Object.fromEntries(this.files),
    };
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
    await fs.writeFile(temp, JSON.stringify(doc));
    await fs.rename(temp, this.file);
    this.dirty = false;
  }
}
