// Part 4 of bench/attribution: throughput of the research's "frames" workload with the loop
// monitor on against off, in one process. Short rounds alternate off/on (the order swapped every
// pair), so a shared host's load, which drifts over seconds, weighs on both sides alike; two
// processes side by side (session 1's method) spread from 0.6 to 1.5 on this 2-core host. The
// monitor starts before its round (the worker's start-up is not counted) and stops after; the
// baseline is the same runtime with AsyncLocalStorage sessions, only without the monitor. Ops are
// per process CPU-second, so the watchdog thread's own CPU counts against "on". The watchdog runs
// from its esbuild bundle, as the runtime ships it (not through tsx).
import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoopAttribution } from '../../runtime/attribution/loop-attribution';
import type { WorkerSource } from '../../runtime/attribution/worker-file';
import { sessionStorage } from '../../runtime/session/scope';

const SESSIONS = 50;
const ROUND_MS = 400;
const PAIRS = 16;
/**
 * Wait before each round: a new worker isolate's start-up work (background compiles, a first GC)
 * runs on other threads for a while after 'ready' and, counted in the round, read as 4-7 % with a
 * 50 ms wait against 1-2 % with this one (same monitor, CPU sampling off).
 */
const SETTLE_MS = 500;

/** 50 sessions: RMS over a 480-sample frame, 2 awaits, a setImmediate every 10 frames. Ops per process CPU-second. */
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
      await Promise.resolve();
      await Promise.resolve();
      ops++;
      if (++n % 10 === 0) await new Promise<void>((r) => setImmediate(r));
    }
  };
  const cpu0 = process.cpuUsage();
  const runs = Array.from({ length: SESSIONS }, (_, i) =>
    sessionStorage.run({ sessionId: `s-${i}`, tenant: `tenant-${i}`, agentName: 'bench' }, session),
  );
  await new Promise<void>((r) => setTimeout(r, ms));
  stop = true;
  await Promise.all(runs);
  const cpu = process.cpuUsage(cpu0);
  return ops / ((cpu.user + cpu.system) / 1e6);
}

async function bundledWatchdog(): Promise<WorkerSource> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'openrtc-watchdog-')), 'watchdog.js');
  await build({
    entryPoints: [join(__dirname, '../../runtime/attribution/watchdog-worker.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'error',
  });
  return { code: outfile, eval: false };
}

const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.round((s.length - 1) * q)] ?? NaN;
};
const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export interface OverheadResult {
  pairs: number;
  round_ms: number;
  off_ops_per_cpu_s_median: number;
  on_over_off_median: number;
  on_over_off_q1: number;
  on_over_off_q3: number;
  overhead_pct: number;
}

export async function overhead(thresholdMs: number): Promise<OverheadResult> {
  const worker = await bundledWatchdog();
  const settle = (): Promise<void> => new Promise<void>((r) => setTimeout(r, SETTLE_MS));
  // Both sides wait the same before their round: "off" follows a stop, whose teardown runs on too.
  const offRound = async (): Promise<number> => {
    await settle();
    return framesOps(ROUND_MS);
  };
  const onRound = async (): Promise<number> => {
    const engine = new LoopAttribution({ thresholdMs, worker });
    await engine.start();
    await settle();
    try {
      return await framesOps(ROUND_MS);
    } finally {
      await engine.stop();
    }
  };
  await framesOps(1000); // warm-up: the workload's code optimised before anything is timed
  await onRound(); // and the monitor's
  const ratios: number[] = [];
  const offs: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    let off: number;
    let on: number;
    if (i % 2 === 0) {
      off = await offRound();
      on = await onRound();
    } else {
      on = await onRound();
      off = await offRound();
    }
    offs.push(off);
    ratios.push(on / off);
  }
  const median = quantile(ratios, 0.5);
  return {
    pairs: PAIRS,
    round_ms: ROUND_MS,
    off_ops_per_cpu_s_median: Math.round(quantile(offs, 0.5)),
    on_over_off_median: round3(median),
    on_over_off_q1: round3(quantile(ratios, 0.25)),
    on_over_off_q3: round3(quantile(ratios, 0.75)),
    overhead_pct: Math.round((1 - median) * 1000) / 10,
  };
}
