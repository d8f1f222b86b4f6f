// bench/lsp: one run, one generated corpus (≥300 Python + ≥300 TypeScript agent-like files
// with planted blocking calls). Prints, per language: lines/s and findings for this server's
// analyzers, ruff's ASYNC rules (ruff-wasm) and eslint + n/no-sync; recall of the plants;
// decoy hits; and p95 latency of re-diagnosing a 2,000-line file after a one-line edit
// through the real server over stdio.
//   node --import tsx bench/lsp/run.ts [--files N] [--blocks N] [--rounds N (5)] [--edits N] [--only throughput|edit|check]
// The `openrtc check` rows (check-rows.ts) run the real CLI on the corpus written to disk.
import * as path from 'node:path';
import { initPython, nodeModulesWasmLocation } from '../../server/frontends/python';
import { checkRun } from './check-rows';
import { generateCorpus, type Corpus, type CorpusFile } from './corpus';
import { editLatency } from './edit-latency';
import { eslintRunner, parseOnly, runOurs, runRuff, type Findings, type ToolRun } from './tools';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--${name} needs a positive integer, got ${process.argv[i + 1] ?? 'nothing'}`);
  return n;
}

function option<T extends string>(name: string, allowed: readonly T[]): T | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return undefined;
  const value = process.argv[i + 1];
  if (!allowed.includes(value as T))
    throw new Error(`--${name} takes one of ${allowed.join(', ')}, got ${value ?? 'nothing'}`);
  return value as T;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

interface Row {
  tool: string;
  ms: number;
  linesPerSec: number;
  /** Lines per CPU-second: the steadier figure on a shared machine. */
  linesPerCpuSec: number;
  findings: number;
  recall: number;
  recalled: number;
  decoyHits: number;
  missedKinds: string;
}

function score(tool: string, corpus: Corpus, files: readonly CorpusFile[], runs: ToolRun[]): Row {
  const findings: Findings = runs[0]!.findings;
  const inScope = new Set(files.map((f) => f.path));
  const plants = corpus.plants.filter((p) => inScope.has(p.file));
  const missedByKind = new Map<string, number>();
  let recalled = 0;
  for (const p of plants) {
    const lines = findings.get(p.file) ?? [];
    if (p.lines.some((l) => lines.includes(l))) recalled++;
    else missedByKind.set(p.kind, (missedByKind.get(p.kind) ?? 0) + 1);
  }
  let decoyHits = 0;
  let total = 0;
  for (const [file, lines] of findings) {
    total += lines.length;
    const decoys = corpus.decoys.get(file);
    for (const l of lines) if (decoys?.has(l) === true) decoyHits++;
  }
  const ms = median(runs.map((r) => r.ms));
  const lineCount = files.reduce((n, f) => n + f.lines, 0);
  return {
    tool,
    ms,
    linesPerSec: lineCount / (ms / 1000),
    linesPerCpuSec: lineCount / (median(runs.map((r) => r.cpuMs)) / 1000),
    findings: total,
    recall: recalled / plants.length,
    recalled,
    decoyHits,
    missedKinds:
      [...missedByKind]
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k}:${n}`)
        .join(' ') || '-',
  };
}

function table(title: string, rows: Row[], baseline: Row): void {
  console.log(`\n${title}`);
  console.log(
    [
      'tool'.padEnd(22),
      'lines/s'.padStart(10),
      'x ' + baseline.tool.padEnd(8),
      'x (CPU)'.padStart(8),
      'findings'.padStart(9),
      'recall'.padStart(14),
      'decoys'.padStart(7),
      '  missed (kind:count)',
    ].join(' '),
  );
  for (const r of rows) {
    console.log(
      [
        r.tool.padEnd(22),
        Math.round(r.linesPerSec).toLocaleString('en-US').padStart(10),
        (r.linesPerSec / baseline.linesPerSec).toFixed(2).padStart(10),
        (r.linesPerCpuSec / baseline.linesPerCpuSec).toFixed(2).padStart(8),
        String(r.findings).padStart(9),
        `${(r.recall * 100).toFixed(1)}% (${r.recalled})`.padStart(14),
        String(r.decoyHits).padStart(7),
        '  ' + r.missedKinds,
      ].join(' '),
    );
  }
}

async function main(): Promise<void> {
  const only = option('only', ['throughput', 'edit', 'check']);
  if (only === undefined || only === 'throughput') await throughputRun();
  if (only === undefined || only === 'edit') await editRun();
  if (only === undefined || only === 'check') await checkRun(arg('files', 300), arg('blocks', 20), arg('rounds', 5));
}

async function throughputRun(): Promise<void> {
  const filesPerLanguage = arg('files', 300);
  const rounds = arg('rounds', 5);
  await initPython(nodeModulesWasmLocation(path.join(__dirname, '..', '..')));
  const corpus = generateCorpus('/bench', filesPerLanguage, arg('blocks', 20));
  const python = corpus.files.filter((f) => f.path.endsWith('.py'));
  const typescript = corpus.files.filter((f) => f.path.endsWith('.ts'));
  const eslint = await eslintRunner();
  console.log(
    `corpus: ${python.length} Python files (${python.reduce((n, f) => n + f.lines, 0)} lines), ` +
      `${typescript.length} TypeScript files (${typescript.reduce((n, f) => n + f.lines, 0)} lines), ` +
      `${corpus.plants.length} planted blocking calls; median of ${rounds} rounds after a warm-up; Node ${process.version}`,
  );
  // Warm-up: one whole uncounted round of every tool, so JIT and wasm tier-up count against no
  // one (a 30-file warm-up left the first round 2-10x slower for every tool). Ours runs under
  // other paths, so no round starts with trees the front ends kept for re-parsing (the last 32).
  const warmUp = (files: CorpusFile[]): CorpusFile[] => files.map((f) => ({ ...f, path: `/warm-up${f.path}` }));
  runOurs(warmUp(python));
  runOurs(warmUp(typescript));
  runRuff(python);
  eslint(typescript);
  parseOnly(python);
  const runs = {
    oursPy: [] as ToolRun[],
    ruff: [] as ToolRun[],
    oursTs: [] as ToolRun[],
    eslint: [] as ToolRun[],
    parse: [] as ToolRun[],
  };
  for (let i = 0; i < rounds; i++) {
    // Interleaved so background load on the shared machine hits every tool alike.
    runs.ruff.push(runRuff(python));
    runs.oursPy.push(runOurs(python));
    runs.parse.push(parseOnly(python));
    runs.eslint.push(eslint(typescript));
    runs.oursTs.push(runOurs(typescript));
  }
  const ruffRow = score('ruff-wasm ASYNC', corpus, python, runs.ruff);
  table('Python', [score('openrtc', corpus, python, runs.oursPy), ruffRow], ruffRow);
  const parse = score('(tree-sitter parse)', corpus, python, runs.parse);
  console.log(
    `${parse.tool.padEnd(22)} ${Math.round(parse.linesPerSec).toLocaleString('en-US').padStart(10)} ` +
      `${(parse.linesPerSec / ruffRow.linesPerSec).toFixed(2).padStart(10)} ${(parse.linesPerCpuSec / ruffRow.linesPerCpuSec).toFixed(2).padStart(8)}` +
      '   the parse alone, no analysis: the ceiling for a tree-sitter front end on one thread',
  );
  const eslintRow = score('eslint n/no-sync', corpus, typescript, runs.eslint);
  table('TypeScript', [score('openrtc', corpus, typescript, runs.oursTs), eslintRow], eslintRow);
}

async function editRun(): Promise<void> {
  const edits = arg('edits', 60);
  console.log(
    `\nRe-diagnose a 2,000-line file after a one-line edit (real server over stdio, ${edits} edits after 10 warm-up; a comment line, a code line that adds or removes a finding, a line break typed and deleted near the top):`,
  );
  for (const kind of ['comment', 'code', 'newline'] as const) {
    for (const language of ['python', 'typescript'] as const) {
      const r = await editLatency(language, 2000, edits, kind);
      console.log(
        `  ${kind.padEnd(7)} ${language.padEnd(10)} wall p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, max ${r.max.toFixed(1)} ms;` +
          `  server CPU p50 ${r.cpuP50.toFixed(1)} ms, p95 ${r.cpuP95.toFixed(1)} ms  (${r.diagnostics} diagnostics, ${r.unchanged}/${edits} answered Unchanged)`,
      );
    }
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
