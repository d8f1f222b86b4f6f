// The start-up scan's use of `openrtc check`'s cache (.openrtc/cache/ in each workspace
// folder) and worker threads. Before the server analyses the scanned files one by one, prepare()
// takes each unchanged file's summary from the cache and analyses the rest (on worker threads
// when there are enough of them, else here), then saves the cache. The server's analyze
// function is wrapped: for a scanned file whose text is still what prepare() read, it returns
// the prepared summary once instead of parsing again; anything else (edits, other settings)
// goes straight to the front ends.
import { messageOf } from '../../protocol/errors';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { FileSummary } from '../analysis/summary';
import { defaultDiagnosticsSettings } from '../../protocol/lsp-settings';
import { runJob, type AnalyseJob } from '../check/analyse-job';
import { AnalysisCache, contentHash } from '../check/analysis-cache';
import { frontEndKey, threadsFor } from '../check/check-engine';
import { analyseInWorkers } from '../check/worker-pool';
import type { AnalyzeFile } from './analysed-files';
import { analyzeFile } from './front-ends';
import { languageOfPath } from './languages';

export interface ScanCacheSetup {
  /** Folder with the wasm grammars and, when built, analysis-worker.js. */
  bundleDir: string;
  analyser: string;
  log: (message: string) => void;
}

/** What a scan counted, for the log (and the tests, which read it there). */
export interface ScanCounts {
  files: number;
  analysed: number;
  threads: number;
}

/** Workers pay for themselves only past this many files to parse (each loads its front ends). */
const MIN_FILES_FOR_WORKERS = 48;
/** The scan runs with the default settings (the client's arrive later; a change re-analyses everything). */
const scanOptions = {
  moduleLevelIsLoop: defaultDiagnosticsSettings.moduleLevelIsLoop,
  honourNoqa: defaultDiagnosticsSettings.honourNoqa,
};

const yieldToEvents = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class ScanCache {
  private readonly prepared = new Map<string, { hash: string; summary: FileSummary }>();

  constructor(private readonly setup: ScanCacheSetup) {}

  /** The server's analyze function, answering prepared files from what prepare() made. */
  readonly analyze: AnalyzeFile = (filePath, language, text, options) => {
    const entry = this.prepared.get(filePath);
    if (entry !== undefined) {
      this.prepared.delete(filePath); // once: later versions of the file are analysed fresh
      const sameOptions =
        options.moduleLevelIsLoop === scanOptions.moduleLevelIsLoop && options.honourNoqa === scanOptions.honourNoqa;
      if (sameOptions && entry.hash === contentHash(text)) return entry.summary;
    }
    return analyzeFile(filePath, language, text, options);
  };

  async prepare(roots: readonly string[], files: readonly string[]): Promise<ScanCounts> {
    const counts: ScanCounts = { files: 0, analysed: 0, threads: 0 };
    for (const root of roots) {
      const inRoot = files.filter((f) => f.startsWith(root.endsWith(path.sep) ? root : root + path.sep));
      if (inRoot.length === 0) continue;
      const c = await this.prepareRoot(root, inRoot);
      counts.files += c.files;
      counts.analysed += c.analysed;
      counts.threads = Math.max(counts.threads, c.threads);
    }
    this.setup.log(
      `workspace scan: ${counts.files} files, ${counts.analysed} analysed` +
        (counts.threads > 0 ? ` on ${counts.threads} worker thread${counts.threads === 1 ? '' : 's'}` : '') +
        ', the rest from .openrtc/cache',
    );
    return counts;
  }

  private async prepareRoot(root: string, files: readonly string[]): Promise<ScanCounts> {
    const cache = await AnalysisCache.load(root, this.setup.analyser, frontEndKey(defaultDiagnosticsSettings));
    if (cache.discarded !== null) this.setup.log(`cache not used: ${cache.discarded}`);
    const unusable = await cache.loadSummaries();
    if (unusable !== null) this.setup.log(`cache not used: ${unusable}`);
    const jobs: AnalyseJob[] = [];
    const hashes = new Map<string, string>();
    for (const file of files) {
      const language = languageOfPath(file);
      const text = language === null ? null : await fs.readFile(file, 'utf8').catch(() => null);
      if (language === null || text === null) continue;
      const hash = contentHash(text);
      hashes.set(file, hash);
      const summary = cache.summaryFor(file, hash);
      if (summary !== undefined) this.prepared.set(file, { hash, summary });
      else jobs.push({ path: file, language, text, options: scanOptions });
    }
    const workerScript = path.join(this.setup.bundleDir, 'analysis-worker.js');
    const threads =
      jobs.length >= MIN_FILES_FOR_WORKERS && existsSync(workerScript) ? threadsFor(undefined, jobs.length) : 0;
    let outcomes;
    if (threads > 1) {
      outcomes = (await analyseInWorkers(workerScript, threads, { wasmDir: this.setup.bundleDir }, jobs)).outcomes;
    } else {
      outcomes = [];
      for (const job of jobs) {
        outcomes.push(runJob(analyzeFile, job));
        await yieldToEvents(); // an edit arriving meanwhile is handled between files, as in the scan itself
      }
    }
    for (const outcome of outcomes) {
      const { path: file } = outcome.summary;
      if (outcome.error !== undefined) {
        this.setup.log(`front end failed on ${file}: ${outcome.error}`);
        continue; // not cached: the server's own attempt logs and handles it
      }
      const hash = hashes.get(file) as string;
      this.prepared.set(file, { hash, summary: outcome.summary });
      cache.set(file, { hash, summary: outcome.summary });
    }
    await cache.save().catch((e: unknown) => this.setup.log(`cache not saved under ${root}: ${messageOf(e)}`));
    return { files: hashes.size, analysed: jobs.length, threads: threads > 1 ? threads : 0 };
  }
}
