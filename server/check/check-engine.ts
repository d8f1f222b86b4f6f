// The analysis behind `openrtc check`: read every file, take each unchanged file's summary
// from the cache, run the front ends on the rest (on worker threads when there are enough of
// them; the front ends load only there, so a warm check never pays for the compilers), then compute findings only for the files whose findings can have changed: those
// re-analysed and the files that import them, transitively. Everything else is read back.
import { availableParallelism } from 'node:os';
import type { FileSummary } from '../analysis/summary';
import type { Finding } from '../core/findings';
import { WorkspaceAnalysis } from '../core/workspace-analysis';
import type { DiagnosticsSettings } from '../../protocol/lsp-settings';
import { layoutKey, type ProjectLayout } from '../project/layout';
import { languageOfPath } from '../lsp/languages';
import { catalogue } from '../rules/catalogue';
import type { AnalyseJob, AnalyseOutcome } from './analyse-job';
import { findingsScope, type AnalysisCache } from './analysis-cache';
import { SourceTree } from './source-tree';
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
  /** Files read from disk; the others' stamps matched, so their cached hash stood. */
  read: number;
  /** Front-end runs (parses) this check made. */
  analysed: number;
  /** Files whose findings were computed rather than read from the cache. */
  findingsComputed: number;
  threads: number;
}

export interface EngineResult {
  findings: Finding[];
  stats: EngineStats;
  /** The files as checked, for --fix (which must change only the text the findings were made from). */
  tree: SourceTree;
}

/** Below this many files per thread, another thread's start-up (loading both front ends) costs more than it saves. */
const MIN_FILES_PER_THREAD = 24;

export const frontEndKey = (s: DiagnosticsSettings): string =>
  `moduleLevelIsLoop=${s.moduleLevelIsLoop},honourNoqa=${s.honourNoqa}`;
export const settingsKey = (s: DiagnosticsSettings): string =>
  JSON.stringify([s.enable, s.moduleLevelIsLoop, s.honourNoqa, Object.entries(s.severity).sort()]);

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
    const tree = new SourceTree(this.setup.log);
    tree.read(files, this.cache);
    const present = tree.files;
    // A changed tsconfig, workspace or Python root can change any file's chains.
    const scope = this.cache.scopeHash(findingsScope(settingsKey(settings) + layoutKey(layout), present));
    const readBack = present.map((f) => this.cache.findingsFor(f, tree.hash(f), scope));
    if (readBack.every((items) => items !== undefined)) {
      // Nothing changed: no summary is even parsed, and only files read this run get a new stamp.
      for (const f of present) if (tree.wasRead(f)) this.cache.restamp(f, tree.hash(f), tree.stamp(f));
      return {
        findings: readBack.flat(),
        tree,
        stats: { files: present.length, read: tree.readCount, analysed: 0, findingsComputed: 0, threads: 0 },
      };
    }
    const unusable = await this.cache.loadSummaries();
    if (unusable !== null) this.setup.log(`cache not used: ${unusable}`);
    const summaries = new Map<string, FileSummary>();
    const summaryTexts = new Map<string, string>();
    const jobs: AnalyseJob[] = [];
    const options = { moduleLevelIsLoop: settings.moduleLevelIsLoop, honourNoqa: settings.honourNoqa };
    for (const file of present) {
      const cached = this.cache.summaryFor(file, tree.hash(file));
      if (cached !== undefined) summaries.set(file, cached);
      else
        jobs.push({
          path: file,
          language: languageOfPath(file) ?? 'typescript',
          // A file not read this run (stamp matched) whose summary is gone is read now; one gone meanwhile counts as empty.
          text: tree.text(file) ?? '',
          options,
        });
    }
    const threads = threadsFor(this.setup.jobs, jobs.length);
    for (const outcome of await this.analyse(jobs, threads)) {
      if (outcome.error !== undefined) this.setup.log(`front end failed on ${outcome.summary.path}: ${outcome.error}`);
      summaries.set(outcome.summary.path, outcome.summary);
      if (outcome.summaryText !== undefined) summaryTexts.set(outcome.summary.path, outcome.summaryText);
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
      const hash = tree.hash(file);
      let items = stale.has(file) ? undefined : this.cache.findingsFor(file, hash, scope);
      if (items === undefined) {
        items = analysis.findings(file);
        findingsComputed++;
        const stamp = tree.stamp(file);
        const summaryText = summaryTexts.get(file);
        this.cache.set(file, {
          hash,
          summary: summaries.get(file) as FileSummary,
          findings: { scope, items },
          ...(stamp !== undefined ? { stamp } : {}),
          ...(summaryText !== undefined ? { summaryText } : {}),
        });
      } else if (tree.wasRead(file)) this.cache.restamp(file, hash, tree.stamp(file));
      findings.push(...items);
    }
    return {
      findings,
      tree,
      stats: {
        files: present.length,
        read: tree.readCount,
        analysed: jobs.length,
        findingsComputed,
        threads: jobs.length > 0 ? threads : 0,
      },
    };
  }

  private async analyse(jobs: readonly AnalyseJob[], threads: number): Promise<AnalyseOutcome[]> {
    if (jobs.length === 0) return [];
    return (await analyseInWorkers(this.setup.workerScript, threads, { wasmDir: this.setup.bundleDir }, jobs)).outcomes;
  }
}
