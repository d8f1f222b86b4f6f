// Fleet admission benchmark (issue 15): `node --import tsx bench/fleet/run.ts`
// Two runtimes in this process on the same agents and caps, one local-only and one in fleet mode
// on a real redis-server (loopback, started here, no persistence); rounds interleaved so both see
// the same machine load.
//  1. latency per admission decision: sequential calls, time from placeCall to its admission
//     answer (local slot, plus in fleet mode the lease script); p50/p99 of each and the added part;
//  2. admissions per second: startCalls bursts (concurrency 100, each session ends at once, so
//     fleet mode also pays a release per session), medians.
// BENCH_CALLS (default 2000) per round, BENCH_ROUNDS (default 5). Goal: p99 added ≤ 2 ms,
// ≥ 2,000 admissions/s per runtime. Read the ratios: the machine is shared.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Runtime } from '../../runtime/runtime';
import { RedisServer } from '../../test/helpers/redis-server';
import { makeBenchWorkspace } from '../admission/workspace';

const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONCURRENCY = 100;

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};
const median = (xs: number[]): number => quantile(xs, 0.5);

async function decisionLatencies(rt: Runtime, out: number[]): Promise<void> {
  for (let i = 0; i < CALLS; i++) {
    const t0 = performance.now();
    const attempt = await rt.placeCall('echo', { tenant: `t${i % 6}` });
    out.push(performance.now() - t0);
    if (!attempt.admitted) throw new Error(`refused: ${attempt.reason}`);
    await attempt.ended;
  }
}

async function burstRate(rt: Runtime): Promise<number> {
  const t0 = performance.now();
  const r = await rt.startCalls({ agent: 'echo', tenant: 'bench', count: CALLS, concurrency: CONCURRENCY, wait: true });
  const s = (performance.now() - t0) / 1000;
  if (r.succeeded !== CALLS) throw new Error(`burst: ${JSON.stringify({ ...r, sessions: r.sessions.length })}`);
  return CALLS / s;
}

async function main(): Promise<void> {
  setInterval(() => {}, 60_000);
  const redis = await RedisServer.start();
  const localDir = makeBenchWorkspace(CALLS + 10);
  const fleetDir = makeBenchWorkspace(CALLS + 10);
  const cfgPath = join(fleetDir, 'openrtc.json');
  const cfg = JSON.parse(readFileSync(cfgPath, 'utf8')) as Record<string, unknown>;
  writeFileSync(cfgPath, JSON.stringify({ ...cfg, fleet: { redis_url_env: 'BENCH_REDIS', key_prefix: 'bench:' } }));
  const env = { ...process.env, BENCH_REDIS: redis.url };
  const local = await Runtime.start({ workspaceDir: localDir, watch: false, env });
  const fleet = await Runtime.start({ workspaceDir: fleetDir, watch: false, env });
  if (fleet.fleetStatus()?.mode !== 'fleet') throw new Error('fleet runtime is not in the fleet');

  // Warm-up: agent bundles, JIT, Redis script cache.
  await decisionLatencies(local, []);
  await decisionLatencies(fleet, []);
  const lat = { local: [] as number[], fleet: [] as number[] };
  const rate = { local: [] as number[], fleet: [] as number[] };
  for (let i = 0; i < ROUNDS; i++) {
    await decisionLatencies(local, lat.local);
    await decisionLatencies(fleet, lat.fleet);
    rate.local.push(await burstRate(local));
    rate.fleet.push(await burstRate(fleet));
  }
  await local.stop();
  await fleet.stop();
  await redis.dispose();
  for (const d of [localDir, fleetDir]) rmSync(d, { recursive: true, force: true });

  const ms = (x: number): string => `${x.toFixed(3)} ms`;
  console.log(
    `node ${process.version}; ${CALLS} calls x ${ROUNDS} rounds per mode, interleaved; redis-server on loopback`,
  );
  console.log('latency per admission decision (sequential calls, placeCall → admitted)');
  for (const q of [0.5, 0.99]) {
    const l = quantile(lat.local, q);
    const f = quantile(lat.fleet, q);
    console.log(
      `  p${Math.round(q * 100)}  local-only ${ms(l).padStart(10)}   fleet ${ms(f).padStart(10)}   added ${ms(f - l).padStart(10)}   ratio ${(f / l).toFixed(2)}`,
    );
  }
  console.log(`admissions per second (bursts, concurrency ${CONCURRENCY}, sessions end at once; medians)`);
  const rl = median(rate.local);
  const rf = median(rate.fleet);
  console.log(
    `  local-only ${Math.round(rl).toString().padStart(7)} /s   fleet ${Math.round(rf).toString().padStart(7)} /s   ratio fleet/local ${(rf / rl).toFixed(3)}`,
  );
  const added99 = quantile(lat.fleet, 0.99) - quantile(lat.local, 0.99);
  console.log(
    `goals: p99 added ≤ 2 ms: ${added99 <= 2 ? 'met' : 'NOT met'} (${ms(added99)}); ≥ 2,000 admissions/s: ${rf >= 2000 ? 'met' : 'NOT met'} (${Math.round(rf)} /s)`,
  );
  process.exit(0);
}

void main();
