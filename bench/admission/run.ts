// Admission benchmark: `node --import tsx bench/admission/run.ts`
//  1. sessions started per second through the full runtime (admission, tenancy, session
//     bookkeeping, scoped logging, loop attribution, local caller) against the bare baseline (the
//     same agent body invoked directly), rounds interleaved in one process, as a ratio;
//  2. memory per idle session at 1,000 and 10,000 concurrent sessions (fresh process each),
//     next to the bare baseline's.
// BENCH_CALLS (default 3000) calls per round, BENCH_ROUNDS (default 5), BENCH_ATTRIBUTION=0 to leave
// attribution off. Figures are medians; the machine is shared, so read the ratios, not the absolutes.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { echoEntry } from './agent-logic';
import { bareLoad } from './bare';
import { startBenchRuntime } from './start-runtime';
import { makeBenchWorkspace } from './workspace';

const CALLS = Number(process.env.BENCH_CALLS ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONCURRENCY = 100;
const TURNS = ['hello'];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

async function timed(work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await work();
  return CALLS / ((performance.now() - t0) / 1000);
}

async function admissionRate(): Promise<void> {
  const runtime = await startBenchRuntime(makeBenchWorkspace(CALLS + 10));
  const viaRuntime = async (): Promise<void> => {
    const r = await runtime.startCalls({
      agent: 'echo',
      tenant: 'bench',
      count: CALLS,
      concurrency: CONCURRENCY,
      say: TURNS,
      wait: true,
    });
    if (r.succeeded !== CALLS)
      throw new Error(`runtime round: ${JSON.stringify({ ...r, sessions: r.sessions.length })}`);
  };
  const bare = (): Promise<void> => bareLoad(echoEntry, TURNS, CALLS, CONCURRENCY);
  await viaRuntime(); // warm-up: agent bundles, JIT
  await bare();
  const rt: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    base.push(await timed(bare));
    rt.push(await timed(viaRuntime));
  }
  await runtime.stop();
  const attribution = process.env.BENCH_ATTRIBUTION === '0' ? 'off' : 'on';
  console.log(
    `sessions started per second (${CALLS} calls x ${ROUNDS} rounds, concurrency ${CONCURRENCY}, 1 turn each; medians)`,
  );
  console.log(`  bare baseline (agent invoked directly)   ${Math.round(median(base)).toString().padStart(9)} /s`);
  console.log(
    `  full runtime (attribution ${attribution.padEnd(3)})          ${Math.round(median(rt)).toString().padStart(9)} /s`,
  );
  console.log(
    `  ratio runtime / bare                     ${(median(rt) / median(base)).toFixed(3)}  (the runtime reaches ${((median(rt) / median(base)) * 100).toFixed(1)}% of bare)`,
  );
}

function memory(mode: 'runtime' | 'bare', count: number): { heap: number; rss: number } {
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', join(__dirname, 'memory-child.ts'), mode, String(count)],
    {
      encoding: 'utf8',
      env: process.env,
      maxBuffer: 1 << 20,
    },
  );
  if (child.status !== 0) throw new Error(`memory child ${mode} ${count} failed: ${child.stderr.slice(-800)}`);
  const line =
    child.stdout
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .at(-1) ?? '';
  const r = JSON.parse(line) as { heap_bytes_per_session: number; rss_bytes_per_session: number };
  return { heap: r.heap_bytes_per_session, rss: r.rss_bytes_per_session };
}

function memoryPerSession(): void {
  console.log('memory per idle session (fresh process per row; heap after GC, RSS)');
  for (const count of [1000, 10_000]) {
    const bare = memory('bare', count);
    const rt = memory('runtime', count);
    const kb = (b: number): string => `${(b / 1024).toFixed(1).padStart(7)} KiB`;
    console.log(
      `  ${String(count).padStart(6)} sessions  runtime heap ${kb(rt.heap)}  rss ${kb(rt.rss)}   | bare heap ${kb(bare.heap)}  rss ${kb(bare.rss)}   | heap ratio ${(rt.heap / bare.heap).toFixed(1)}x`,
    );
  }
}

async function main(): Promise<void> {
  console.log(`node ${process.version}`);
  await admissionRate();
  memoryPerSession();
  process.exit(0);
}

void main();
