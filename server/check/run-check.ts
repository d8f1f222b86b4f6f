// `openrtc check`: arguments → settings → files → analysis (cache, threads) → --fix → report →
// exit code. 0: no finding at warning or above; 1: some; 2: bad usage or settings.
import { messageOf } from '../../protocol/errors';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CheckIo } from '../../protocol/check-entry';
import type { Finding } from '../core/findings';
import { RuleBook } from '../core/rule-book';
import { catalogue } from '../rules/catalogue';
import { applySafeFixes } from './apply-fixes';
import { AnalysisCache } from './analysis-cache';
import { atLeast, CHECK_USAGE, CheckUsageError, parseCheckArgs, type CheckRequest } from './args';
import { loadCheckSettings } from './check-settings';
import { CheckEngine, frontEndKey, type EngineResult, type EngineSetup } from './check-engine';
import { FileCollector } from './collect-files';
import { compileGlob } from './glob';
import { githubReport, jsonReport, relativeFile, textReport } from './report';
import { formatSarif } from './sarif';
import { loadLayout } from '../project/load-layout';

export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

export interface CheckSetup extends Omit<EngineSetup, 'jobs' | 'log'> {
  /** Changes with every build of the analyser: a cache written by another build is not used. */
  analyser: string;
  /** The tool's version, for SARIF only: read when that report is made. */
  version: () => string;
}

const usage = (io: CheckIo, message: string): number => {
  io.err(`openrtc check: ${message} (openrtc check --help)`);
  return EXIT_USAGE;
};

const reports = { json: jsonReport, text: textReport, github: githubReport } as const;

/** Prints the report, a piece of whole lines at a time (nothing at all for github's with no findings). */
function report(io: CheckIo, request: CheckRequest, findings: readonly Finding[], setup: CheckSetup): void {
  if (request.format === 'sarif')
    return io.out(formatSarif(io.cwd, findings, new RuleBook(catalogue), setup.version()));
  for (const piece of reports[request.format](io.cwd, findings)) io.outBytes(piece);
}

/** Applies the safe fixes file by file; returns the report lines (one per fix) and how many files changed. */
async function fixFiles(
  cwd: string,
  result: EngineResult,
  warn: (message: string) => void,
): Promise<{ lines: string[]; changed: number }> {
  const byFile = new Map<string, Finding[]>();
  for (const f of result.findings) byFile.set(f.path, [...(byFile.get(f.path) ?? []), f]);
  const lines: string[] = [];
  let changed = 0;
  for (const [file, findings] of byFile) {
    const text = result.tree.textAsChecked(file);
    if (text === undefined) {
      warn(`not fixed: ${relativeFile(cwd, file)} changed while it was checked`);
      continue;
    }
    const fixed = applySafeFixes(text, findings);
    if (fixed.applied.length === 0 || fixed.text === text) continue;
    await fs.writeFile(file, fixed.text);
    changed++;
    for (const a of fixed.applied) lines.push(`fixed ${relativeFile(cwd, file)}:${a.line + 1}: ${a.code} ${a.title}`);
  }
  return { lines, changed };
}

export async function runCheck(argv: readonly string[], io: CheckIo, setup: CheckSetup): Promise<number> {
  let request: CheckRequest;
  try {
    request = parseCheckArgs(argv);
  } catch (error) {
    if (error instanceof CheckUsageError) return usage(io, error.message);
    throw error;
  }
  if (request.help) {
    io.out(CHECK_USAGE);
    return EXIT_CLEAN;
  }
  const loaded = await loadCheckSettings(io.cwd);
  if (!loaded.ok) {
    for (const p of loaded.problems) io.err(`openrtc check: ${p}`);
    return EXIT_USAGE;
  }
  // The cache is read and parsed while the walk below waits on the file system (most of its time).
  const cacheLoad = request.cache
    ? AnalysisCache.load(io.cwd, setup.analyser, frontEndKey(loaded.settings))
    : Promise.resolve(AnalysisCache.disabled());
  cacheLoad.catch(() => undefined); // a failure is reported where it is awaited, not as unhandled if a usage error returns first
  const collector = new FileCollector(io.cwd, request.exclude.map(compileGlob));
  const { files, missing, layoutFiles } = await collector.collect(request.paths);
  if (missing.length > 0) return usage(io, `no such file or folder: ${missing.join(', ')}`);
  // A broken tsconfig or pyproject is the project's own build problem: said, and resolved without it.
  const { layout, problems } = loadLayout([io.cwd], layoutFiles);
  for (const p of problems) io.err(`openrtc check: ${p.split(io.cwd + path.sep).join('')}`);

  const cache = await cacheLoad;
  if (cache.discarded !== null) io.err(`openrtc check: cache not used: ${cache.discarded}`);
  const engine = new CheckEngine({ ...setup, jobs: request.jobs, log: (m) => io.err(`openrtc check: ${m}`) }, cache);
  const root = io.cwd;
  let result = await engine.run(root, files, loaded.settings, layout);
  const stats = [result.stats];
  if (request.fix) {
    const fixed = await fixFiles(io.cwd, result, (m) => io.err(`openrtc check: ${m}`));
    const say = request.format === 'text' ? io.out : io.err;
    for (const line of fixed.lines) say(line);
    if (fixed.changed > 0) {
      result = await engine.run(root, files, loaded.settings, layout);
      stats.push(result.stats);
    }
    say(
      `fixed ${fixed.lines.length} finding${fixed.lines.length === 1 ? '' : 's'} in ${fixed.changed} file${fixed.changed === 1 ? '' : 's'}`,
    );
  }
  // A check of the whole tree knows every file there is: the cache forgets the others.
  if (request.paths.some((p) => path.resolve(io.cwd, p) === io.cwd)) cache.keepOnly(result.tree.files);
  await cache.save().catch((error: unknown) => io.err(`openrtc check: cache not saved: ${messageOf(error)}`));

  const shown = result.findings.filter((f) => atLeast(f.severity, request.severityMin));
  report(io, request, shown, setup);
  for (const s of stats)
    io.err(
      `openrtc check: ${s.files} files, ${s.analysed} analysed` +
        (s.threads > 0 ? ` on ${s.threads} thread${s.threads === 1 ? '' : 's'}` : '') +
        `, findings computed for ${s.findingsComputed}, the rest from ${path.join('.openrtc', 'cache')}` +
        ` (${s.read} file${s.read === 1 ? '' : 's'} read)`,
    );
  return shown.some((f) => atLeast(f.severity, 'warning')) ? EXIT_FINDINGS : EXIT_CLEAN;
}
