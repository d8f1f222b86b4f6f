// A runtime in its own process for the spin experiment (forked by the isolation test and the
// isolation bench): tenants alpha and bravo make steady calls; tenant spinner's agent runs
// `while (true) {}`, either on the shared loop or isolated in its own child. Reports over IPC:
//   ready → baseline (loop lag while only alpha/bravo run) → spinning → measured (lag and
//   alpha/bravo outcomes while spinner spins). In shared mode 'measured' never comes: the
//   loop is gone; the harness sees it through its pings, which this process answers on its loop.
//   node --import tsx bench/isolation/lag-runner.ts shared|isolated <workspace> [tenant-child.js]
import { Runtime } from '../../runtime/runtime';
import { LagSampler, interleaved, measure, type LagFigures } from './lag-sampler';

export type { LagFigures } from './lag-sampler';

export type RunnerMode = 'shared' | 'isolated';

export type RunnerMessage =
  | { type: 'ready' }
  | { type: 'pong'; t: number }
  | { type: 'baseline'; lag: LagFigures; rss_mb: number }
  | { type: 'spinning' }
  | {
      type: 'measured';
      lag: LagFigures;
      lag_spinner_stopped: LagFigures | null;
      others: { succeeded: number; failed: number; started: number };
      spinner_pid: number | null;
      spinner_rss_mb: number | null;
      parent_rss_mb: number;
    };

export const WINDOW_MS = 1500;
const OTHERS = ['alpha', 'bravo'];

function send(msg: RunnerMessage): void {
  process.send?.(msg);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function main(mode: RunnerMode, dir: string, childFile: string | undefined): Promise<void> {
  const sampler = new LagSampler();
  let rt: Runtime | undefined;
  process.on('message', (m: { type?: string; t?: number }) => {
    if (m.type === 'ping' && typeof m.t === 'number') send({ type: 'pong', t: m.t });
    if (m.type === 'stop') void rt?.stop().then(() => process.exit(0));
  });
  rt = await Runtime.start({
    workspaceDir: dir,
    watch: false,
    isolation: { unresponsiveMs: 60_000, ...(childFile ? { childEntry: { file: childFile, execArgv: [] } } : {}) },
  });
  // Steady traffic from the well-behaved tenants for the whole run.
  // Not awaited: startCalls resolves only once the whole (long) run has been dispatched.
  for (const tenant of OTHERS)
    void rt.startCalls({
      agent: 'chatty',
      tenant,
      count: 100_000,
      concurrency: 10,
      rate: 100,
      say: ['hi', 'there'],
      think_ms: 10,
      wait: false,
    });
  send({ type: 'ready' });
  await sleep(300);
  const baseline = await measure(sampler, WINDOW_MS);
  send({ type: 'baseline', lag: baseline, rss_mb: process.memoryUsage.rss() / 2 ** 20 });
  if (mode === 'isolated') await rt.isolateTenant({ tenant: 'spinner' });
  const before = outcomes(rt);
  send({ type: 'spinning' });
  // Let the message leave before the spin starts (in shared mode nothing leaves afterwards).
  setTimeout(() => void rt.startCalls({ agent: 'spin', tenant: 'spinner', wait: false }), 50);
  await sleep(100);
  const pid = rt.snapshot().tenants['spinner']?.process?.pid ?? null;
  // Shared: this never returns (the loop is gone). Isolated: the child's pid is known.
  const ab =
    pid !== null
      ? await interleaved(sampler, pid, 2 * WINDOW_MS)
      : { running: await measure(sampler, WINDOW_MS), stopped: null };
  const after = outcomes(rt);
  const proc = rt.snapshot().tenants['spinner']?.process;
  send({
    type: 'measured',
    lag: ab.running,
    lag_spinner_stopped: ab.stopped,
    others: {
      started: after.started - before.started,
      succeeded: after.succeeded - before.succeeded,
      failed: after.failed - before.failed,
    },
    spinner_pid: proc?.pid ?? null,
    spinner_rss_mb: proc?.rss_mb ?? null,
    parent_rss_mb: process.memoryUsage.rss() / 2 ** 20,
  });
}

/** alpha's and bravo's counts from the snapshot (started, and ended without failure). */
function outcomes(rt: Runtime): { started: number; succeeded: number; failed: number } {
  const tenants = rt.snapshot().tenants;
  let started = 0;
  let failed = 0;
  let active = 0;
  for (const t of OTHERS) {
    started += tenants[t]?.started ?? 0;
    failed += tenants[t]?.failures ?? 0;
    active += tenants[t]?.active ?? 0;
  }
  return { started, failed, succeeded: started - failed - active };
}

if (require.main === module) {
  const [mode, dir, childFile] = process.argv.slice(2);
  if ((mode !== 'shared' && mode !== 'isolated') || !dir || !process.send) {
    process.stderr.write('usage (forked with IPC): lag-runner.ts shared|isolated <workspace>\n');
    process.exit(2);
  }
  main(mode, dir, childFile).catch((err: unknown) => {
    process.stderr.write(`lag-runner failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
