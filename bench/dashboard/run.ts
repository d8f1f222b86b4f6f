// Dashboard cost benchmark, A/B in one run against a real runtime in its own process (dist/cli.js
// `run`), 1,000 live sessions across 20 tenants plus a steady churn of short calls:
//   A  the dashboard closed: the extension's usual link only (subscribed to events, a snapshot every 2 s)
//   B  the dashboard open: the same, plus every event and snapshot into the series model, a frame
//      built and serialised once a second (what the panel posts), and that frame drawn by the real
//      page in headless Chromium (the webview)
// Phases run A B, B A, A B, ... (ABBA, so a drift of the host's load falls on both arms). Printed:
// the dashboard's work per second in the extension host and in the webview (ms, share of one
// core), and the runtime's loop lag p99 in A vs B, measured inside the runtime over each phase
// alone (bench/dashboard/runtime-probe.mjs), with the per-round ratio's median and spread and the
// loop's utilisation (a saturated loop's lag measures the host, not the dashboard).
//   npm run build && node --import tsx bench/dashboard/run.ts [--phase-s 6] [--rounds 10] [--churn-per-s 100]
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { connectControl, type ControlClient } from '../../protocol/connect';
import type { RuntimeEvent } from '../../protocol/control';
import { DashboardFeed } from '../../client/dashboard/feed';
import { buildFrame } from '../../client/model/series-view';
import { makeBenchWorkspace } from '../admission/workspace';
import { median, summarizeLag } from '../density/stats';
import { abbaOrder, summarizeAb, verdict, type PhaseLag } from './ab';
import { WebviewCost } from './webview-cost';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const PHASE_S = arg('phase-s', 6);
const ROUNDS = arg('rounds', 10);
const CHURN_PER_S = arg('churn-per-s', 100);
const LIVE = 1000;
const TENANTS = 20;
const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
if (!existsSync(cli)) throw new Error('dist/cli.js missing: run `npm run build` first');

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const tenantName = (t: number): string => `tenant-${String(t % TENANTS).padStart(2, '0')}`;

interface ProbeReading {
  late: number[];
  elu: number;
}

/** The runtime, with the lag probe loaded in its process and an IPC channel to read it. */
async function startRuntime(): Promise<{ client: ControlClient; child: ChildProcess }> {
  const ws = makeBenchWorkspace(LIVE + 500);
  const socket = join(ws, 'rt.sock');
  const probe = pathToFileURL(join(__dirname, 'runtime-probe.mjs')).href;
  const child = spawn(process.execPath, ['--import', probe, cli, 'run', ws, '--socket', socket, '--no-supervise'], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const lines = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    lines.on('line', (l) => l.includes(socket) && resolve());
    child.once('exit', (code) => reject(new Error(`runtime exited (${code}) before listening`)));
  });
  const connection = await connectControl(socket, { clientName: 'bench-dashboard', timeoutMs: 5000 });
  if (connection.kind !== 'openrtc') throw new Error('not an OpenRTC runtime');
  return { client: connection.client, child };
}

/** The time a thread has waited for a CPU so far, ms (Linux schedstat; 0 where there is none). */
function runQueueMs(pid: number): number {
  try {
    const waitNs = Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'latin1').split(' ')[1]);
    return Number.isFinite(waitNs) ? waitNs / 1e6 : 0;
  } catch {
    return 0;
  }
}

/** The probe's samples since the last read (a read also starts the next interval). */
function readProbe(child: ChildProcess): Promise<ProbeReading> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the runtime lag probe did not answer')), 10_000);
    const onMessage = (m: { type?: string } & Partial<ProbeReading>): void => {
      if (m.type !== 'lag-probe:samples' || !Array.isArray(m.late) || typeof m.elu !== 'number') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve({ late: m.late, elu: m.elu });
    };
    child.on('message', onMessage);
    child.send({ type: 'lag-probe:read' });
  });
}

async function main(): Promise<void> {
  const webview = await WebviewCost.open();
  const { client, child } = await startRuntime();
  process.once('exit', () => child.kill('SIGTERM'));
  const feed = new DashboardFeed();
  await feed.loadHistory(client.hello.metrics_file ?? null);
  let dashboardOn = false;
  let hostMs = 0;
  let events = 0;
  await client.subscribe({}, (event: RuntimeEvent) => {
    events += 1;
    if (!dashboardOn) return;
    const t0 = performance.now();
    feed.event(event);
    hostMs += performance.now() - t0;
  });
  for (let t = 0; t < TENANTS; t++)
    void client
      .request('startCalls', {
        agent: 'idle',
        tenant: tenantName(t),
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
  const perTick = Math.max(1, Math.round(CHURN_PER_S / 10));
  const churn = setInterval(() => {
    void client
      .request('startCalls', {
        agent: 'echo',
        tenant: tenantName(churnTenant++),
        say: ['hi'],
        count: perTick,
        concurrency: perTick,
      })
      .catch(() => {});
  }, 100);
  let live = 0;
  const snapshots = setInterval(() => {
    void client.request('snapshot').then((snap) => {
      live = snap.active_sessions;
      if (!dashboardOn) return;
      const t0 = performance.now();
      feed.snapshot(snap);
      hostMs += performance.now() - t0;
    });
  }, 2000);
  await sleep(8000); // the idle sessions admitted, agent bundles built
  const eventsBefore = events;
  const measuredFrom = performance.now();
  const phases: PhaseLag[] = [];
  const hostPerSecond: number[] = [];
  const webviewPerSecond: number[] = [];
  const frameBytes: number[] = [];
  let drawnTenants = 0;
  for (const arm of abbaOrder(ROUNDS)) {
    dashboardOn = arm === 'B';
    await readProbe(child); // the phase starts here
    const phaseStart = performance.now();
    const waitedBefore = runQueueMs(child.pid ?? 0);
    let busyBefore = await webview.busyMs();
    for (let s = 0; s < PHASE_S; s++) {
      hostMs = 0;
      await sleep(1000);
      if (!dashboardOn) continue;
      const t0 = performance.now();
      const frame = buildFrame(feed.model, { range: '5m', tenant: null, nowMs: Date.now(), workerLabel: 'bench' });
      const json = JSON.stringify({ type: 'frame', frame });
      hostMs += performance.now() - t0;
      hostPerSecond.push(hostMs);
      frameBytes.push(json.length);
      await webview.post(json);
      // The second just gone held the draw of the frame posted a second ago (none before the first).
      const busy = await webview.busyMs();
      if (s > 0) webviewPerSecond.push(busy - busyBefore);
      busyBefore = busy;
    }
    const reading = await readProbe(child);
    const seconds = (performance.now() - phaseStart) / 1000;
    const runQueueMsPerS = (runQueueMs(child.pid ?? 0) - waitedBefore) / seconds;
    phases.push({ arm, ...summarizeLag(reading.late), elu: reading.elu, runQueueMsPerS });
    if (dashboardOn) drawnTenants = await webview.tenantsDrawn();
  }
  const eventsPerS = (events - eventsBefore) / ((performance.now() - measuredFrom) / 1000);
  clearInterval(churn);
  clearInterval(snapshots);
  client.close();
  child.kill('SIGTERM');
  await webview.close();
  const ab = summarizeAb(phases);
  const share = (ms: number): string => `${(ms / 10).toFixed(2)}% of one core`;
  const f = (x: number): string => x.toFixed(2);
  console.log(
    `dashboard A/B, ${ROUNDS} rounds (ABBA) of ${PHASE_S} s a phase, ~${live} live sessions, ${TENANTS} tenants, ` +
      `churn ${perTick * 10} calls/s (~${Math.round(eventsPerS)} events/s), host load ${loadavg()[0]?.toFixed(2)}`,
  );
  console.log(
    `  extension host (model + frame) per second: median ${f(median(hostPerSecond))} ms, max ${f(Math.max(...hostPerSecond))} ms (${share(median(hostPerSecond))}); frame ${(median(frameBytes) / 1024).toFixed(0)} KiB`,
  );
  console.log(
    `  webview (Chromium renderer main thread, ${drawnTenants} tenants drawn) per second: median ${f(median(webviewPerSecond))} ms, max ${f(Math.max(...webviewPerSecond))} ms (${share(median(webviewPerSecond))})`,
  );
  console.log(
    `  runtime loop lag p99 per phase (probe in the runtime): closed (A) median ${f(ab.p99.A)} ms, open (B) median ${f(ab.p99.B)} ms; ` +
      `B/A per round median ${f(ab.ratioMedian)} [${f(ab.ratioMin)}–${f(ab.ratioMax)}] over ${ab.ratios.length} rounds; ` +
      `p50 A ${f(ab.p50.A)} / B ${f(ab.p50.B)} ms; loop busy A ${(ab.elu.A * 100).toFixed(0)}% / B ${(ab.elu.B * 100).toFixed(0)}%; ` +
      `waiting for a CPU A ${f(ab.runQueueMsPerS.A)} / B ${f(ab.runQueueMsPerS.B)} ms/s`,
  );
  console.log(`  ${verdict(ab)}`);
  process.exit(0);
}

void main();
