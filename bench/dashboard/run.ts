// Dashboard cost benchmark, A/B in one run against a real runtime in its own process (dist/cli.js
// `run`), 1,000 live sessions across 20 tenants plus a steady churn of short calls:
//   A  the extension's usual link only: subscribed to events, a snapshot every 2 s
//   B  the same, plus the dashboard's work: every event and snapshot into the series model and a
//      frame built and serialised once a second (what the panel posts to the webview)
// Phases alternate A B A B ...; printed: the dashboard's work per second (ms, share of one core)
// and the runtime's loop lag p99 in A vs B (its ratio). The dashboard runs in the extension host,
// so the runtime should not see it: the ratio is the check.
//   npm run build && node --import tsx bench/dashboard/run.ts [--phase-s 10] [--rounds 3]
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { connectControl, type ControlClient } from '../../protocol/connect';
import type { RuntimeEvent } from '../../protocol/control';
import { DashboardFeed } from '../../client/dashboard/feed';
import { buildFrame } from '../../client/model/series-view';
import { makeBenchWorkspace } from '../admission/workspace';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const PHASE_S = arg('phase-s', 10);
const ROUNDS = arg('rounds', 3);
const LIVE = 1000;
const TENANTS = 20;
const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
if (!existsSync(cli)) throw new Error('dist/cli.js missing: run `npm run build` first');

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function startRuntime(): Promise<{ client: ControlClient; stop: () => void }> {
  const ws = makeBenchWorkspace(LIVE + 500);
  const socket = join(ws, 'rt.sock');
  const child = spawn(process.execPath, [cli, 'run', ws, '--socket', socket], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  await new Promise<void>((resolve, reject) => {
    lines.on('line', (l) => l.includes(socket) && resolve());
    child.once('exit', (code) => reject(new Error(`runtime exited (${code}) before listening`)));
  });
  const connection = await connectControl(socket, { clientName: 'bench-dashboard', timeoutMs: 5000 });
  if (connection.kind !== 'openrtc') throw new Error('not an OpenRTC runtime');
  return { client: connection.client, stop: () => child.kill('SIGTERM') };
}

async function main(): Promise<void> {
  const { client, stop } = await startRuntime();
  process.once('exit', stop);
  const feed = new DashboardFeed();
  await feed.loadHistory(client.hello.metrics_file ?? null);
  let dashboardOn = false;
  let workMs = 0;
  let events = 0;
  await client.subscribe({}, (event: RuntimeEvent) => {
    events += 1;
    if (!dashboardOn) return;
    const t0 = performance.now();
    feed.event(event);
    workMs += performance.now() - t0;
  });
  for (let t = 0; t < TENANTS; t++)
    void client
      .request('startCalls', {
        agent: 'idle',
        tenant: `tenant-${String(t).padStart(2, '0')}`,
        count: LIVE / TENANTS,
        concurrency: LIVE / TENANTS,
        // The idle agent never answers, so each caller waits on its one turn: the session stays live.
        say: ['hold'],
        reply_timeout_ms: 600_000,
        wait: false,
      })
      .catch((err: Error) => console.error(`idle calls: ${err.message}`));
  // Churn: short calls keep started/ended events flowing while the idle ones hold 1,000 sessions.
  let churnTenant = 0;
  const churn = setInterval(() => {
    const tenant = `tenant-${String(churnTenant++ % TENANTS).padStart(2, '0')}`;
    void client
      .request('startCalls', { agent: 'echo', tenant, say: ['hi'], count: 20, concurrency: 20 })
      .catch(() => {});
  }, 100);
  const lagA: number[] = [];
  const lagB: number[] = [];
  const perSecond: number[] = [];
  const frameBytes: number[] = [];
  let live = 0;
  const snapshots = setInterval(() => {
    void client.request('snapshot').then((snap) => {
      live = snap.active_sessions;
      (dashboardOn ? lagB : lagA).push(snap.loop_lag.p99_ms);
      if (!dashboardOn) return;
      const t0 = performance.now();
      feed.snapshot(snap);
      workMs += performance.now() - t0;
    });
  }, 2000);
  await sleep(8000); // the idle sessions admitted, agent bundles built
  lagA.length = 0;
  for (let round = 0; round < ROUNDS; round++) {
    dashboardOn = false;
    await sleep(PHASE_S * 1000);
    dashboardOn = true;
    for (let s = 0; s < PHASE_S; s++) {
      workMs = 0;
      const before = events;
      await sleep(1000);
      const t0 = performance.now();
      const frame = buildFrame(feed.model, { range: '5m', tenant: null, nowMs: Date.now(), workerLabel: 'bench' });
      frameBytes.push(JSON.stringify({ type: 'frame', frame }).length);
      workMs += performance.now() - t0;
      perSecond.push(workMs);
      if (round === 0 && s === 0) console.log(`  (events per second ~${events - before}, live sessions ${live})`);
    }
  }
  clearInterval(churn);
  clearInterval(snapshots);
  client.close();
  stop();
  console.log(`dashboard A/B, ${ROUNDS} rounds of ${PHASE_S} s each, ~${live} live sessions, ${TENANTS} tenants`);
  console.log(
    `  dashboard work per second (model + frame): median ${median(perSecond).toFixed(2)} ms, max ${Math.max(...perSecond).toFixed(2)} ms (${(median(perSecond) / 10).toFixed(2)}% of one core); frame ${(median(frameBytes) / 1024).toFixed(0)} KiB`,
  );
  console.log(
    `  runtime loop lag p99: closed (A) median ${median(lagA).toFixed(2)} ms [${lagA.length}], open (B) median ${median(lagB).toFixed(2)} ms [${lagB.length}]; ratio B/A ${(median(lagB) / median(lagA)).toFixed(2)}`,
  );
  process.exit(0);
}

void main();
