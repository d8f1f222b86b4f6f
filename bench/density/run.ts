// bench/density: how many real voice sessions one shared loop holds, against LiveKit's own
// model (one job per forked child), measured in the same run. Each session streams espeak-ng
// speech at 50 frames a second through the real Silero VAD of @livekit/agents-plugin-silero.
//   node --import tsx bench/density/run.ts [--sizes 10,25,50,100] [--children 3] [--full]
// Default ≤ ~5 min; --full measures longer windows and searches the largest N more finely.
// Method and figures: docs/density.md.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { buildJobAgent, buildSharedSide } from './bundles';
import { measureJobChildren, type JobChildFigures } from './job-children';
import { nextSize, searchState, type SizeOutcome } from './search';
import { median, sessionsPerGbRatio } from './stats';
import type { SharedFigures } from './shared-size';

const arg = (flag: string, fallback: string): string => {
  const i = process.argv.indexOf(flag);
  return i === -1 ? fallback : process.argv[i + 1]!;
};
const FULL = process.argv.includes('--full');
const SIZES = arg('--sizes', '10,25,50,100').split(',').map(Number);
const CHILDREN = Number(arg('--children', FULL ? '5' : '3'));
const WARMUP_MS = FULL ? 5000 : 3000;
const MEASURE_MS = FULL ? 20_000 : 5000;
const SEARCH = { goalP99Ms: 20, maxN: FULL ? 800 : 400, resolution: FULL ? 4 : 10 };
/** The goals at 100 sessions (OpenRTC's README figures). */
const GOAL_100 = { p99Ms: 2, rssMb: 264, perGbRatio: 20 };

const REPO = join(__dirname, '../..');
/** Printed by Node when a process exits with an inspector session open (the watchdog's). */
const INSPECTOR_NOTE = 'Waiting for the debugger to disconnect...';

/** One N in a fresh process, so each size's RSS starts from the same empty runtime. */
function measureShared(program: string, n: number): Promise<SharedFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', program, REPO, String(n), String(WARMUP_MS), String(MEASURE_MS)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      const text = d.toString().replace(INSPECTOR_NOTE, '').trim();
      if (text) process.stderr.write(`${text}\n`);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`shared-size ${n} exited ${code}: ${out.slice(-2000)}`));
      resolve(JSON.parse(last) as SharedFigures);
    });
  });
}

const f1 = (x: number): string => x.toFixed(1);
const f2 = (x: number): string => x.toFixed(2);

function sharedLine(s: SharedFigures): string {
  return (
    `  N=${String(s.n).padStart(4)}  loop lag p50 ${f2(s.lag.p50_ms)} / p99 ${f2(s.lag.p99_ms)} / max ${f1(s.lag.max_ms)} ms` +
    `  RSS ${f1(s.rss_mb)} MB (${f2(s.rss_mb / s.n)} MB/session; idle runtime ${f1(s.idle_rss_mb)} MB, +${f2((s.rss_mb - s.idle_rss_mb) / s.n)} MB/session over it)` +
    `  CPU ${f2(s.cpu_pct / s.n)} %/session (process ${f1(s.cpu_pct)} %, loop thread ${f1(s.loop_cpu_pct)} %, waiting for a core ${f1(s.loop_wait_pct)} %)` +
    `  replies ${s.replies}, live ${s.active}, failed ${s.failed}`
  );
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log(`bench/density${FULL ? ' --full' : ''}: warm-up ${WARMUP_MS} ms, measure ${MEASURE_MS} ms per size`);

  const [agentModule, sharedSide] = await Promise.all([buildJobAgent(), buildSharedSide()]);
  // The temporary bundles go whether or not a measurement fails.
  process.on('exit', () => {
    agentModule.cleanup();
    sharedSide.cleanup();
  });
  const children: JobChildFigures[] = await measureJobChildren(agentModule.file, CHILDREN, WARMUP_MS, MEASURE_MS);
  const childRss = median(children.map((c) => c.rssMb));
  console.log(`LiveKit model, one job per forked child (agents-js JobProcExecutor), ${CHILDREN} children at once:`);
  for (const c of children)
    console.log(
      `  child ${c.pid}: RSS ${f1(c.rssMb)} MB, CPU ${f2(c.cpuPct)} %, fork → ready ${(c.readyMs / 1000).toFixed(1)} s`,
    );
  console.log(`  median RSS per job ${f1(childRss)} MB → ${f1(1024 / childRss)} sessions per GB`);

  console.log('Shared loop (one runtime, N voice sessions):');
  const shared: SharedFigures[] = [];
  const outcomes: SizeOutcome[] = [];
  const measure = async (n: number): Promise<void> => {
    const s = await measureShared(sharedSide.file, n);
    shared.push(s);
    outcomes.push({ n, p99Ms: s.lag.p99_ms });
    console.log(sharedLine(s));
  };
  for (const n of SIZES) await measure(n);
  console.log(`Searching the largest N with loop p99 ≤ ${SEARCH.goalP99Ms} ms (to within ${SEARCH.resolution}):`);
  for (let n = nextSize(outcomes, SEARCH); n !== null; n = nextSize(outcomes, SEARCH)) await measure(n);
  const { largestPass, smallestFailAbove } = searchState(outcomes, SEARCH.goalP99Ms);

  console.log('Ratios (same run):');
  for (const s of [...shared].sort((a, b) => a.n - b.n)) {
    const ratio = sessionsPerGbRatio(s.rss_mb, s.n, childRss);
    console.log(
      `  N=${String(s.n).padStart(4)}: ${f1((1024 * s.n) / s.rss_mb)} sessions/GB shared vs ${f1(1024 / childRss)} per job child → ×${f1(ratio)}` +
        ` (goal ≥ ${GOAL_100.perGbRatio}); CPU per session shared ${f2(s.cpu_pct / s.n)} % vs child ${f2(median(children.map((c) => c.cpuPct)))} %`,
    );
  }
  const at100 = shared.find((s) => s.n === 100);
  if (at100) {
    const ok = (b: boolean): string => (b ? 'met' : 'NOT met');
    console.log(
      `At 100 sessions: loop p99 ${f2(at100.lag.p99_ms)} ms (goal ≤ ${GOAL_100.p99Ms}: ${ok(at100.lag.p99_ms <= GOAL_100.p99Ms)}),` +
        ` RSS ${f1(at100.rss_mb)} MB (goal ≤ ${GOAL_100.rssMb}: ${ok(at100.rss_mb <= GOAL_100.rssMb)}),` +
        ` sessions/GB ×${f1(sessionsPerGbRatio(at100.rss_mb, 100, childRss))} (goal ≥ ${GOAL_100.perGbRatio}: ${ok(sessionsPerGbRatio(at100.rss_mb, 100, childRss) >= GOAL_100.perGbRatio)})`,
    );
  }
  console.log(
    `Largest N with loop p99 ≤ ${SEARCH.goalP99Ms} ms: ${largestPass}` +
      (smallestFailAbove === null
        ? ` (the search cap, ${SEARCH.maxN}, still passed)`
        : ` (${smallestFailAbove} did not)`),
  );
  console.log(`bench/density took ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
