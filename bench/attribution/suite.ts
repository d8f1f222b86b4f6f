// One Node version's measurements for bench/attribution (run.mjs runs it on each Node and prints
// the table). Prints one JSON object on stdout. Real parts: the watchdog worker, the inspector,
// an esbuild bundle with an inline source map, AsyncLocalStorage sessions.
import { join } from 'node:path';
import { LoopAttribution } from '../../runtime/attribution/loop-attribution';
import type { BlockReport } from '../../runtime/attribution/block-matcher';
import { sessionStorage } from '../../runtime/session/scope';
import { burn } from '../../test/fixtures/attribution/cpu-workload';
import { bundleAgent, FIXTURES, lineOf, sleep } from '../../test/runtime/attribution-harness';
import { overhead } from './overhead';

type Agent = typeof import('../../test/fixtures/attribution/blocking-agent');
const THRESHOLD = 50;
const source = join(FIXTURES, 'blocking-agent.ts');
const wall = (): number => performance.timeOrigin + performance.now();
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)] ?? 0) : NaN;
};
const scope = (i: number) => ({ sessionId: `s-${i}`, tenant: `tenant-${i}`, agentName: 'bench' });

/** Stalls the engine logged as not attributed (host contention, or not sampled in time). */
let unattributed = 0;

async function withEngine<T>(
  opts: ConstructorParameters<typeof LoopAttribution>[0],
  fn: (e: LoopAttribution, reports: BlockReport[]) => Promise<T>,
): Promise<T> {
  const engine = new LoopAttribution({
    ...opts,
    log: (line) => (line.startsWith('[loop-lag]') ? unattributed++ : undefined),
  });
  const reports: BlockReport[] = [];
  engine.onBlock((r) => reports.push(r));
  await engine.start();
  try {
    return await fn(engine, reports);
  } finally {
    await engine.stop();
  }
}

/** 1. How long after a block starts the watchdog has sampled it, per block size. */
async function detection(agent: Agent) {
  const sizes = [60, 80, 100, 200, 600];
  const out: Record<
    string,
    { attributed: string; unattributed_stalls: number; median_detect_ms: number; first_block_detect_ms: number | null }
  > = {};
  for (const ms of sizes) {
    const reps = ms >= 600 ? 4 : 8;
    out[`${ms}ms`] = await withEngine({ thresholdMs: THRESHOLD }, async (_e, reports) => {
      await sleep(50);
      unattributed = 0;
      for (let i = 0; i < reps; i++) {
        sessionStorage.run(scope(i), () => agent.handleTurn({ ms }));
        await sleep(80);
      }
      await sleep(300);
      const ok = reports.filter(
        (r) =>
          r.session_id !== null &&
          r.frames.some((f) => f.function === 'spin' && f.line === lineOf(source, 'BLOCK-SPIN')),
      );
      return {
        attributed: `${ok.length}/${reps}`,
        unattributed_stalls: unattributed,
        median_detect_ms: Math.round(median(ok.map((r) => r.detected_after_ms ?? NaN))),
        first_block_detect_ms: ok[0] && ok[0].session_id === 's-0' ? ok[0].detected_after_ms : null,
      };
    });
  }
  return out;
}

/** 2. 200 random blocks from 5 concurrent sessions; every report checked against the truth. */
async function accuracy(agent: Agent, blocks = 200) {
  const spinLine = lineOf(source, 'BLOCK-SPIN');
  interface Truth {
    session: string;
    ms: number;
    start: number;
    end: number;
  }
  const truth: Truth[] = [];
  let remaining = blocks;
  let seed = 42;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return withEngine({ thresholdMs: THRESHOLD }, async (_e, reports) => {
    await sleep(50);
    unattributed = 0;
    const tenants = [0, 1, 2, 3, 4].map((i) =>
      sessionStorage.run(scope(i), async () => {
        while (remaining > 0) {
          await sleep(20 + rand() * 60);
          if (remaining <= 0) break;
          remaining--;
          const ms = Math.round(25 + rand() * 225); // 25..250 ms of CPU: under, near and well over the threshold
          const start = wall();
          agent.handleTurn({ ms });
          truth.push({ session: `s-${i}`, ms, start, end: wall() });
          await sleep(THRESHOLD * 2); // keep blocks apart so each has its own heartbeat gap
        }
      }),
    );
    await Promise.all(tenants);
    await sleep(1200);
    // A report is right when the session it names had a block that was running during the
    // stall it reports (the stall ends at ended_at; several sessions' blocks can share one stall).
    const claimed = new Map<Truth, BlockReport>();
    const wrongReports: unknown[] = [];
    /** Right session, but most samples saw another line of it (e.g. the thread was descheduled just after the block). */
    let otherLine = 0;
    let outsideStalls = 0;
    for (const r of reports) {
      if (r.session_id === null) {
        outsideStalls++;
        continue;
      }
      const t = truth
        .filter(
          (x) => !claimed.has(x) && x.session === r.session_id && x.start <= r.ended_at && x.end >= r.ended_at - 1000,
        )
        .sort((a, b) => b.end - a.end)[0];
      if (!t)
        wrongReports.push({
          r: { ...r, frames: r.frames.slice(0, 1) },
          truth: truth.filter((x) => Math.abs(x.end - r.ended_at) < 400),
        });
      else if (!r.frames.some((f) => f.function === 'spin' && f.line === spinLine)) otherLine++;
      else claimed.set(t, r);
    }
    const wrong = wrongReports.length;
    if (process.env.BENCH_DEBUG) console.error(JSON.stringify(wrongReports.slice(0, 3), null, 1));
    // Classed by the wall time each block held the loop (its CPU cost, stretched on a busy host).
    const held = (t: Truth): number => t.end - t.start;
    const big = truth.filter((t) => held(t) >= 2 * THRESHOLD);
    const near = truth.filter((t) => held(t) > THRESHOLD && held(t) < 2 * THRESHOLD);
    const under = truth.filter((t) => held(t) < THRESHOLD - 5);
    return {
      blocks: truth.length,
      over_2x_threshold: `${big.filter((t) => claimed.has(t)).length}/${big.length}`,
      between_1x_2x: `${near.filter((t) => claimed.has(t)).length}/${near.length}`,
      under_threshold_reported: `${under.filter((t) => claimed.has(t)).length}/${under.length}`,
      wrong_session: wrong,
      right_session_other_line: otherLine,
      stalls_reported_outside_sessions: outsideStalls,
      stalls_logged_unattributed: unattributed,
    };
  });
}

/** 3. cpu_pct of four sessions burning 6:2:1:0, normalised to their sum, against the true split. */
async function cpuShares() {
  const split = [6, 2, 1, 0];
  // The engine's default sampling period: the one whose cost the overhead part measures.
  return withEngine({ thresholdMs: 500 }, async (engine) => {
    let stop = false;
    const runs = split.map((units, i) =>
      sessionStorage.run(scope(i), () =>
        units === 0
          ? (async () => {
              while (!stop) await sleep(5);
            })()
          : burn(units, 1, () => stop),
      ),
    );
    await sleep(10_000); // a whole cpu_pct window (10 s): the share is read from its samples
    stop = true;
    await Promise.all(runs);
    await sleep(1100);
    const pct = split.map((_, i) => engine.sessionState(`s-${i}`).cpu_pct);
    const sum = pct.reduce((a, b) => a + b, 0);
    const shares = pct.map((p) => (100 * p) / sum);
    const truthShares = split.map((u) => (100 * u) / 9);
    return {
      cpu_pct: pct,
      sum_pct: Math.round(sum * 10) / 10,
      shares: shares.map((s) => Math.round(s * 10) / 10),
      true_shares: truthShares.map((s) => Math.round(s * 10) / 10),
      max_error_points: Math.round(Math.max(...shares.map((s, i) => Math.abs(s - (truthShares[i] ?? 0)))) * 10) / 10,
    };
  });
}

async function main(): Promise<void> {
  const only = process.argv[2];
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle is built at run time
  const agent = require(await bundleAgent(source)) as Agent;
  const result: Record<string, unknown> = {
    node: process.version,
    threadCpuUsage: typeof (process as { threadCpuUsage?: unknown }).threadCpuUsage === 'function',
  };
  if (!only || only === 'detection') result.detection = await detection(agent);
  if (!only || only === 'accuracy') result.accuracy = await accuracy(agent);
  if (!only || only === 'cpu') result.cpu = await cpuShares();
  if (!only || only === 'overhead') result.overhead = await overhead(THRESHOLD);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

void main();
