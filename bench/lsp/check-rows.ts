// bench/lsp's `openrtc check` rows: the real bundled CLI as a child process on the corpus
// written to disk, cold on one worker thread and on every core, warm (nothing changed) and
// after one edit, against ruff-wasm ASYNC's and eslint n/no-sync's cold runs as processes of
// their own on the same files (peer-cold.mjs), interleaved, median of the rounds. Wall time,
// and the child's CPU time (all its threads) from this process's cutime + cstime.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import * as path from 'node:path';
import { generateCorpus } from './corpus';

const root = path.join(__dirname, '..', '..');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** CPU time of this process's waited-for children, ms (/proc/self/stat fields 16 and 17, clock ticks of 10 ms). */
function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

interface Sample {
  wallMs: number;
  cpuMs: number;
  stdout: string;
  stderr: string;
}

function runChild(args: readonly string[], cwd: string): Sample {
  const cpu = childrenCpuMs();
  const started = performance.now();
  // Bytes, decoded after the clock stops: decoding our 3.8 MB report here cost ~50 ms of this
  // process's time that was counted as the child's (the peers print a line).
  const r = spawnSync(process.execPath, args, { cwd, maxBuffer: 64 * 1024 * 1024 });
  const wallMs = performance.now() - started;
  const [stdout, stderr] = [r.stdout.toString('utf8'), r.stderr.toString('utf8')];
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} exited ${r.status}: ${stderr}`);
  return { wallMs, cpuMs: childrenCpuMs() - cpu, stdout, stderr };
}

export async function checkRun(filesPerLanguage: number, blocks: number, rounds: number): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'openrtc-bench-check-'));
  const bundles = path.join(dir, 'bundles');
  const ws = path.join(dir, 'ws');
  try {
    mkdirSync(bundles);
    const build = spawnSync(
      process.execPath,
      [
        path.join(root, 'scripts/build.mjs'),
        '--outdir',
        bundles,
        '--only',
        'cli,check,analysis-worker,frontend-python,frontend-typescript',
      ],
      { encoding: 'utf8' },
    );
    if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);
    const corpus = generateCorpus(ws, filesPerLanguage, blocks);
    for (const f of corpus.files) {
      mkdirSync(path.dirname(f.path), { recursive: true });
      writeFileSync(f.path, f.text);
    }
    const lines = corpus.files.reduce((n, f) => n + f.lines, 0);
    const pyLines = corpus.files.filter((f) => f.path.endsWith('.py')).reduce((n, f) => n + f.lines, 0);
    const tsLines = lines - pyLines;
    const cores = availableParallelism();
    const cli = path.join(bundles, 'cli.js');
    const cache = path.join(ws, '.openrtc');
    const check = (...args: string[]): Sample => runChild([cli, 'check', '--format', 'json', ...args], ws);
    const leaf = corpus.files.find((f) => f.path.endsWith('agent_7.py'))?.path as string;
    const samples: Record<string, Sample[]> = {};
    const add = (name: string, s: Sample): void => void (samples[name] ??= []).push(s);
    const peerScript = path.join(__dirname, 'peer-cold.mjs');
    // Warm-up: one uncounted round of each, so the page cache and the files' first read count against no one.
    check('--no-cache');
    runChild([peerScript, 'ruff', ws], root);
    runChild([peerScript, 'eslint', ws], root);
    for (let i = 0; i < rounds; i++) {
      rmSync(cache, { recursive: true, force: true });
      add('cold 1 thread', check('--jobs', '1'));
      rmSync(cache, { recursive: true, force: true });
      add(`cold ${cores} threads`, check('--jobs', String(cores)));
      add('warm (nothing changed)', check());
      appendFileSync(leaf, `# edit ${i}\n`);
      add('one file edited', check());
      add('ruff-wasm ASYNC cold', runChild([peerScript, 'ruff', ws], root));
      add('eslint n/no-sync cold', runChild([peerScript, 'eslint', ws], root));
    }
    const findings = (JSON.parse(samples['warm (nothing changed)']![0]!.stdout) as unknown[]).length;
    const counts = (name: string): string => /\d+ files, .*$/m.exec(samples[name]![0]!.stderr)?.[0] ?? '';
    const ruff = median(samples['ruff-wasm ASYNC cold']!.map((s) => s.wallMs));
    const ruffCpu = median(samples['ruff-wasm ASYNC cold']!.map((s) => s.cpuMs));
    const oneThread = median(samples['cold 1 thread']!.map((s) => s.wallMs));
    const oneThreadCpu = median(samples['cold 1 thread']!.map((s) => s.cpuMs));
    console.log(
      `\nopenrtc check on the corpus on disk (${corpus.files.length} files, ${lines} lines: ${pyLines} Python, ${tsLines} TypeScript; ` +
        `${findings} findings), real CLI processes, median of ${rounds} interleaved rounds, ${cores} cores; ` +
        `peers are cold processes on their language's files only (ruff: ${pyLines} lines, eslint: ${tsLines} lines):`,
    );
    console.log(
      `  ${'run'.padEnd(26)} ${'wall ms'.padStart(8)} ${'CPU ms'.padStart(8)} ${'x ruff cold'.padStart(12)} ${'x 1 thread'.padStart(11)}   counts`,
    );
    for (const [name, list] of Object.entries(samples)) {
      const wall = median(list.map((s) => s.wallMs));
      const cpu = median(list.map((s) => s.cpuMs));
      const isCheck = !name.includes('cold') || name.startsWith('cold');
      console.log(
        `  ${name.padEnd(26)} ${wall.toFixed(0).padStart(8)} ${cpu.toFixed(0).padStart(8)} ${(ruff / wall).toFixed(2).padStart(12)} ` +
          `${(oneThread / wall).toFixed(2).padStart(11)}   ${isCheck ? counts(name) : list[0]!.stdout.trim()}`,
      );
    }
    console.log(
      `  "x ruff cold" is how many times faster than ruff-wasm's cold run (wall); by CPU the warm check is ` +
        `${(ruffCpu / median(samples['warm (nothing changed)']!.map((s) => s.cpuMs))).toFixed(2)}x; ` +
        `cold on ${cores} threads vs 1 by CPU: ${(oneThreadCpu / median(samples[`cold ${cores} threads`]!.map((s) => s.cpuMs))).toFixed(2)}x (work added by threads)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
