// A runtime in its own process for the spin experiment (forked by the isolation test and the
// isolation bench): tenants alpha and bravo make steady calls; tenant spinner's agent runs
// `while (true) {}`, either on the shared loop or isolated in its own child. Reports over IPC:
//   ready → baseline (loop lag while only alpha/bravo run) → spinning → measured (lag and
//   alpha/bravo outcomes while spinner spins). In shared mode 'measured' never comes: the
//   loop is gone; the harness sees it through its pings, which this process answers on its loop.
//   node --import tsx bench/isolation/lag-runner.ts shared|isolated <workspace> [tenant-child.js]
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { Runtime } from '../../runtime/runtime';

export type RunnerMode = 'shared' | 'isolated';

export interface LagFigures {
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
}

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

/**
 * Loop lag as a 1 ms heartbeat's lateness, recorded (in µs) into whichever histogram is current.
 * Switching buckets drops the next beat, so a gap between slices never counts as lag.
 */
class LagSampler {
  private current: RecordableHistogram | null = null;
  private last = performance.now();
  private skip = true;

  constructor() {
    // Runs for the life of the process (the runner exits when done).
    setInterval(() => {
      const now = performance.now();
      const lateMs = now - this.last - 1;
      this.last = now;
      if (this.skip) this.skip = false;
      else this.current?.record(Math.max(1, Math.round(lateMs * 1000)));
    }, 1);
  }

  into(h: RecordableHistogram | null): void {
    this.current = h;
    this.skip = true;
  }
}

function figures(h: RecordableHistogram): LagFigures {
  const r = (us: number): number => Math.round(us / 10) / 100;
  return { p50_ms: r(h.percentile(50)), p99_ms: r(h.percentile(99)), max_ms: r(h.max) };
}

async function measure(sampler: LagSampler, ms: number): Promise<LagFigures> {
  const h = createHistogram();
  sampler.into(h);
  await sleep(ms);
  sampler.into(null);
  return figures(h);
}

/**
 * Loop lag with the spinner's child running vs stopped (SIGSTOP), in alternating slices: the host
 * is shared and its load drifts, so an A/B in interleaved slices compares like with like.
 */
async function interleaved(
  sampler: LagSampler,
  pid: number,
  ms: number,
): Promise<{ running: LagFigures; stopped: LagFigures }> {
  const running = createHistogram();
  const stopped = createHistogram();
  const slices = 10;
  try {
    for (let i = 0; i < slices; i++) {
      for (const [h, signal] of [
        [stopped, 'SIGSTOP'],
        [running, 'SIGCONT'],
      ] as const) {
        process.kill(pid, signal);
        sampler.into(h);
        await sleep(ms / slices);
      }
    }
  } finally {
    sampler.into(null);
    process.kill(pid, 'SIGCONT');
  }
  return { running: figures(running), stopped: figures(stopped) };
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
