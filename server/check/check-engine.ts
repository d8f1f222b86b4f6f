// The analysis behind `openrtc check`: read every file, take each unchanged file's summary
// from the cache, run the front ends on the rest (on worker threads when there are enough of
// them; the front ends load only there, so a warm check never pays for the compilers), then compute findings only for the files whose findings can have changed: those
// re-analysed and the files that import them, transitively. Everything else is read back.
import { messageOf } from '../../protocol/errors';
import { promises as fs } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { FileSummary } from '../analysis/summary';
import type { Finding } from '../core/findings';
import { WorkspaceAnalysis } from '../core/workspace-analysis';
import type { DiagnosticsSettings } from '../../protocol/lsp-settings';
import { layoutKey, type ProjectLayout } from '../project/layout';
import { languageOfPath } from '../lsp/languages';
import { catalogue } from '../rules/catalogue';
import type { AnalyseJob, AnalyseOutcome } from './analyse-job';
import { contentHash, findingsScope, type AnalysisCache } from './analysis-cache';
import { analyseInWorkers } from './worker-pool';

export interface EngineSetup {
  /** Folder with the tree-sitter wasm files and analysis-worker.js. */
  bundleDir: string;
  workerScript: string;
  /** Worker threads; undefined: up to one per core, when there are enough files to repay each one's start-up. */
  jobs: number | undefined;
  log: (message: string) => void;
}

export interface EngineStats {
  files: number;
  /** Front-end runs (parses) this check made. */
  analysed: number;
  /** Files whose findings were computed rather than read from the cache. */
  findingsComputed: number;
  threads: number;
}

export interface EngineResult {
  findings: Finding[];
  stats: EngineStats;
  /** Each file's text as read, for --fix. */
  texts: Map<string, string>;
}

/** Files over this are not read at all (generated bundles, data dumps), as in the editor. */
const MAX_DISK_BYTES = 20 * 1024 * 1024;
/** Below this many files per thread, another thread's start-up (loading both front ends) costs more than it saves. */
const MIN_FILES_PER_THREAD = 24;

export const frontEndKey = (s: DiagnosticsSettings): string =>
  `moduleLevelIsLoop=${s.moduleLevelIsLoop},honourNoqa=${s.honourNoqa}`;
export const settingsKey = (s: DiagnosticsSettings): string =>
  JSON.stringify([s.enable, s.moduleLevelIsLoop, s.honourNoqa, Object.entries(s.severity).sort()]);

async function readAll(files: readonly string[], log: (m: string) => void): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  let next = 0;
  const reader = async (): Promise<void> => {
    while (next < files.length) {
      const file = files[next++] as string;
      try {
        const stat = await fs.stat(file);
        if (stat.size > MAX_DISK_BYTES) {
          log(`skipped ${file}: ${stat.size} bytes is over the ${MAX_DISK_BYTES}-byte read limit`);
          continue;
        }
        texts.set(file, await fs.readFile(file, 'utf8'));
      } catch (error) {
        log(`skipped ${file}: ${messageOf(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, reader));
  return texts;
}

export function threadsFor(jobs: number | undefined, toAnalyse: number): number {
  if (jobs !== undefined) return Math.min(jobs, Math.max(1, toAnalyse));
  return Math.max(1, Math.min(availableParallelism(), Math.ceil(toAnalyse / MIN_FILES_PER_THREAD)));
}

export class CheckEngine {
  constructor(
    private readonly setup: EngineSetup,
    private readonly cache: AnalysisCache,
  ) {}

  async run(
    root: string,
    files: readonly string[],
    settings: DiagnosticsSettings,
    layout: ProjectLayout,
  ): Promise<EngineResult> {
    const texts = await readAll(files, this.setup.log);
    const present = files.filter((f) => texts.has(f));
    const hashes = new Map(present.map((f) => [f, contentHash(texts.get(f) as string)]));
    // A changed tsconfig, workspace or Python root can change any file's chains.
    const scope = findingsScope(settingsKey(settings) + layoutKey(layout), present);
    const readBack = present.map((f) => this.cache.findingsFor(f, hashes.get(f) as string, scope));
    if (readBack.every((items) => items !== undefined)) {
      // Nothing changed: no summary is even parsed.
      return {
        findings: readBack.flat(),
        texts,
        stats: { files: present.length, analysed: 0, findingsComputed: 0, threads: 0 },
      };
    }
    const unusable = await this.cache.loadSummaries();
    if (unusable !== null) this.setup.log(`cache not used: ${unusable}`);
    const summaries = new Map<string, FileSummary>();
    const jobs: AnalyseJob[] = [];
    const options = { moduleLevelIsLoop: settings.moduleLevelIsLoop, honourNoqa: settings.honourNoqa };
    for (const file of present) {
      const cached = this.cache.summaryFor(file, hashes.get(file) as string);
      if (cached !== undefined) summaries.set(file, cached);
      else
        jobs.push({
          path: file,
          language: languageOfPath(file) ?? 'typescript',
          text: texts.get(file) as string,
          options,
        });
    }
    const threads = threadsFor(this.setup.jobs, jobs.length);
    for (const outcome of await this.analyse(jobs, threads)) {
      if (outcome.error !== undefined) this.setup.log(`front end failed on ${outcome.summary.path}: ${outcome.error}`);
      summaries.set(outcome.summary.path, outcome.summary);
    }

    const analysis = new WorkspaceAnalysis([root], catalogue);
    analysis.settings = settings;
    analysis.setLayout(layout);
    for (const summary of summaries.values()) analysis.update(summary);
    const stale = new Set(jobs.map((j) => j.path));
    for (const changed of [...stale]) for (const d of analysis.dependentsOf(changed)) stale.add(d);

    const findings: Finding[] = [];
    let findingsComputed = 0;
    for (const file of present) {
      const hash = hashes.get(file) as string;
      let items = stale.has(file) ? undefined : this.cache.findingsFor(file, hash, scope);
      if (items === undefined) {
        items = analysis.findings(file);
        findingsComputed++;
        this.cache.set(file, { hash, summary: summaries.get(file) as FileSummary, findings: { scope, items } });
      }
      findings.push(...items);
    }
    return {
      findings,
      texts,
      stats: { files: present.length, analysed: jobs.length, findingsComputed, threads: jobs.length > 0 ? threads : 0 },
    };
  }

  private async analyse(jobs: readonly AnalyseJob[], threads: number): Promise<AnalyseOutcome[]> {
    if (jobs.length === 0) return [];
    return (await analyseInWorkers(this.setup.workerScript, threads, { wasmDir: this.setup.bundleDir }, jobs)).outcomes;
  }
}
