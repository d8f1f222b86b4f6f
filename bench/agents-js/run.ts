// bench/agents-js: memory and start cost of an idle agents-js text session in our shared loop,
// against LiveKit's own model (one job per forked child: the real job_proc_lazy_main of
// @livekit/agents 1.9.0, driven through its IPC handshake as AgentServer's ProcPool does).
// Prints ratios measured in the same run, at 100 and 1,000 sessions.
//   node --import tsx bench/agents-js/run.ts [--sizes 100,1000] [--children 3]
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Runtime } from '../../runtime/runtime';
import { stockAgent } from '../../test/runtime/agents-js-workspace';

const REPO = join(__dirname, '../..');
const arg = (flag: string, fallback: string): string => {
  const i = process.argv.indexOf(flag);
  return i === -1 ? fallback : process.argv[i + 1]!;
};
const SIZES = arg('--sizes', '100,1000').split(',').map(Number);
const CHILDREN = Number(arg('--children', '3'));

function rssMB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** One LiveKit job child: fork → initialize → startJob → the session said hello. Its RSS once idle. */
async function oneJobChild(): Promise<{ readyMs: number; startMs: number; rssMB: number }> {
  const agentsMain = createRequire(join(REPO, 'package.json')).resolve('@livekit/agents');
  const childMain = join(dirname(agentsMain), 'ipc', 'job_proc_lazy_main.js');
  const t0 = performance.now();
  const child = fork(childMain, [join(__dirname, 'child-agent.mjs')], { stdio: 'ignore' });
  const next = (kind: string): Promise<void> =>
    new Promise((resolve) => {
      const on = (msg: { case?: string }): void => {
        if (msg.case === kind) {
          child.off('message', on);
          resolve();
        }
      };
      child.on('message', on);
    });
  const initialized = next('initializeResponse');
  child.send({
    case: 'initializeRequest',
    value: { loggerOptions: { pretty: false, level: 'warn' }, sessionEndTimeout: 1000 },
  });
  await initialized;
  const readyMs = performance.now() - t0;
  const started = next('benchStarted');
  child.send({
    case: 'startJobRequest',
    value: {
      runningJob: {
        acceptArguments: { name: 'bench', identity: 'agent-bench', metadata: '' },
        job: {
          id: 'AJ_bench',
          agentName: 'bench',
          metadata: '{"tenant":"bench"}',
          room: { sid: 'RM_bench', name: 'bench', metadata: '' },
          attributes: { 'lk.simulator.dispatch': '{"simulationRunId":"bench","mode":"SIMULATION_MODE_TEXT"}' },
        },
        url: '',
        token: '',
        workerId: 'bench',
        fakeJob: true,
      },
    },
  });
  await started;
  const startMs = performance.now() - t0;
  await sleep(1500); // idle, as the shared-loop sessions are when measured
  const rss = rssMB(child.pid!);
  child.kill('SIGKILL');
  return { readyMs, startMs, rssMB: rss };
}

/** N idle sessions of the stock agent in one runtime: RSS added per session, start time per session. */
async function sharedLoop(n: number): Promise<{ perSessionMB: number; perSessionStartMs: number }> {
  const dir = mkdtempSync(join(REPO, '.tools', 'bench-agents-js-'));
  mkdirSync(join(dir, 'agents'));
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const greeted = `globalThis.__benchGreeted?.();`;
  writeFileSync(join(dir, 'agents', 'assistant.ts'), stockAgent({ agentName: 'assistant', afterStart: greeted }));
  writeFileSync(
    join(dir, 'openrtc.json'),
    JSON.stringify({ max_concurrent_sessions: n + 10, max_sessions_per_tenant: { '*': n + 10 } }),
  );
  let count = 0;
  let wake = (): void => undefined;
  (globalThis as { __benchGreeted?: () => void }).__benchGreeted = () => {
    if (++count >= target) wake();
  };
  let target = 1;
  const rt = await Runtime.start({ workspaceDir: dir, watch: false });
  try {
    // Warm-up: agents-js's lazily loaded code and the first session's one-off costs.
    await rt.startCalls({ agent: 'assistant', tenant: 'warmup', say: ['hi'] });
    global.gc?.();
    await sleep(500);
    const before = process.memoryUsage().rss / 2 ** 20;
    count = 0;
    target = n;
    const all = new Promise<void>((r) => (wake = r));
    const t0 = performance.now();
    // Callers that think for a long time: the sessions stay started and idle.
    void rt.startCalls({
      agent: 'assistant',
      tenant: 'bench',
      count: n,
      concurrency: n,
      say: ['x'],
      think_ms: 600_000,
      wait: false,
    });
    await all;
    const startMs = performance.now() - t0;
    await sleep(1500);
    global.gc?.();
    const after = process.memoryUsage().rss / 2 ** 20;
    return { perSessionMB: (after - before) / n, perSessionStartMs: startMs / n };
  } finally {
    await rt.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const children = [];
  for (let i = 0; i < CHILDREN; i++) children.push(await oneJobChild());
  const childMB = median(children.map((c) => c.rssMB));
  const childStart = median(children.map((c) => c.startMs));
  const childReady = median(children.map((c) => c.readyMs));
  console.log(
    `LiveKit job child (median of ${CHILDREN}): RSS ${childMB.toFixed(1)} MB idle; fork → ready (agents-js loaded, prewarmed) ${childReady.toFixed(0)} ms; fork → session started ${childStart.toFixed(0)} ms`,
  );
  for (const n of SIZES) {
    const s = await sharedLoop(n);
    console.log(
      `shared loop, ${n} idle text sessions: +${s.perSessionMB.toFixed(2)} MB and ${s.perSessionStartMs.toFixed(1)} ms per session` +
        ` → sessions/GB ×${(childMB / s.perSessionMB).toFixed(1)} (goal ≥ 20), start ×${(childStart / s.perSessionStartMs).toFixed(1)} faster` +
        ` (×${(childReady / s.perSessionStartMs).toFixed(1)} against a child's fork → ready alone; goal ≥ 10)`,
    );
  }
}

void main().then(() => process.exit(0));
