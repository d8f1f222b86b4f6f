// One Node version's measurements for bench/attribution (run.mjs runs it on each Node and prints
// the table). Prints one JSON object on stdout. Real parts: the watchdog worker, the inspector,
// an esbuild bundle with an inline source map, AsyncLocalStorage sessions.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { LoopAttribution } from '../../runtime/attribution/loop-attribution';
import type { BlockReport } from '../../runtime/attribution/block-matcher';
import { sessionStorage } from '../../runtime/session/scope';
import { burn } from '../../test/fixtures/attribution/cpu-workload';
import { bundleAgent, FIXTURES, lineOf, sleep } from '../../test/runtime/attribution-harness';

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

async function withEngine<T>(opts: ConstructorParameters<typeof LoopAttribution>[0], fn: (e: LoopAttribution, reports: BlockReport[]) => Promise<T>): Promise<T> {
  const engine = new LoopAttribution({ ...opts, log: (line) => (line.startsWith('[loop-lag]') ? unattributed++ : undefined) });
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
  const out: Record<string, { attributed: string; unattributed_stalls: number; median_detect_ms: number; first_block_detect_ms: number | null }> = {};
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
      const ok = reports.filter((r) => r.session_id !== null && r.frames.some((f) => f.function === 'spin' && f.line === lineOf(source, 'BLOCK-SPIN')));
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
  interface Truth { session: string; ms: number; start: number; end: number }
  const truth: Truth[] = [];
  let remaining = blocks;
  let seed = 42;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
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
        .filter((x) => !claimed.has(x) && x.session === r.session_id && x.start <= r.ended_at && x.end >= r.ended_at - 1000)
        .sort((a, b) => b.end - a.end)[0];
      if (!t) wrongReports.push({ r: { ...r, frames: r.frames.slice(0, 1) }, truth: truth.filter((x) => Math.abs(x.end - r.ended_at) < 400) });
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
  return withEngine({ thresholdMs: 500, cpuSampleMs: 5 }, async (engine) => {
    let stop = false;
    const runs = split.map((units, i) =>
      sessionStorage.run(scope(i), () => (units === 0 ? (async () => { while (!stop) await sleep(5); })() : burn(units, 1, () => stop))),
    );
    await sleep(4000);
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

/** The research's "frames" workload: 50 sessions, RMS over a 480-sample frame, 2 awaits, setImmediate every 10 frames. */
async function framesOps(ms: number): Promise<number> {
  const frame = new Int16Array(480).map((_, i) => Math.round(Math.sin(i / 7) * 8000));
  let ops = 0;
  let stop = false;
  const session = async () => {
    let n = 0;
    while (!stop) {
      let acc = 0;
      for (let i = 0; i < frame.length; i++) acc += (frame[i] ?? 0) ** 2;
      if (Math.sqrt(acc / frame.length) < 0) throw new Error('unreachable');
      await null;
      await null;
      ops++;
      if (++n % 10 === 0) await new Promise<void>((r) => setImmediate(r));
    }
  };
  const cpu0 = process.cpuUsage();
  const runs = Array.from({ length: 50 }, (_, i) => sessionStorage.run(scope(i), session));
  await new Promise<void>((r) => setTimeout(r, ms));
  stop = true;
  await Promise.all(runs);
  const cpu = process.cpuUsage(cpu0);
  return ops / ((cpu.user + cpu.system) / 1e6);
}

/** One side of the A/B throughput run, in its own process: ops per process CPU-second. */
async function framesSide(monitor: boolean): Promise<number> {
  const run = () => framesOps(3000);
  await framesOps(300); // warm-up
  return monitor ? withEngine({ thresholdMs: THRESHOLD }, run) : run();
}

/**
 * 4. Throughput with the monitor on vs off. The two sides run at the same time in two processes,
 * so a shared, noisy host slows both alike; rounds swap start order; the median ratio is kept.
 * Ops are per process CPU-second, so the watchdog thread's own CPU counts against "on".
 */
async function overhead() {
  const side = (mode: string) =>
    new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', __filename, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('exit', (code) => (code === 0 ? resolve(Number(JSON.parse(out.trim().split('\n').pop() ?? '{}').ops_per_cpu_s)) : reject(new Error(`${mode} exited ${code}`))));
    });
  const ratios: number[] = [];
  const pairs: [number, number][] = [];
  for (let round = 0; round < 4; round++) {
    const [off, on] = round % 2 === 0 ? await Promise.all([side('frames-off'), side('frames-on')]) : (await Promise.all([side('frames-on'), side('frames-off')])).reverse();
    pairs.push([Math.round(off ?? 0), Math.round(on ?? 0)]);
    ratios.push((on ?? 0) / (off ?? 1));
  }
  const ratio = median(ratios);
  return { pairs_off_on: pairs, on_over_off: Math.round(ratio * 1000) / 1000, overhead_pct: Math.round((1 - ratio) * 1000) / 10 };
}

async function main(): Promise<void> {
  const only = process.argv[2];
  if (only === 'frames-on' || only === 'frames-off') {
    process.stdout.write(`${JSON.stringify({ ops_per_cpu_s: await framesSide(only === 'frames-on') })}\n`);
    return;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle is built at run time
  const agent = require(await bundleAgent(source)) as Agent;
  const result: Record<string, unknown> = { node: process.version, threadCpuUsage: typeof (process as { threadCpuUsage?: unknown }).threadCpuUsage === 'function' };
  if (!only || only === 'detection') result.detection = await detection(agent);
  if (!only || only === 'accuracy') result.accuracy = await accuracy(agent);
  if (!only || only === 'cpu') result.cpu = await cpuShares();
  if (!only || only === 'overhead') result.overhead = await overhead();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

void main();
