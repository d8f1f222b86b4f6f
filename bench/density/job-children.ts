// LiveKit's model for bench/density: one job per forked child. Each child is started by the real
// agents-js 1.9.0 `JobProcExecutor` (the class AgentServer's ProcPool forks job children with:
// fork of ipc/job_proc_lazy_main, initialize handshake, pings, memory watch), and runs the
// agent module given, which streams speech through its own session as the shared side does.
// Loaded from the package's CommonJS build, as the runtime loads agents-js (createRequire), so the
// child's job entry, the agent module and the voice call's code share one copy of @livekit/agents
// (its ESM build is a second copy with its own job-context storage).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { STREAMING_MESSAGE } from './voice-call-settings';

const REPO = join(__dirname, '../..');

/** The parts of agents-js's (unexported) JobProcExecutor the bench drives. */
interface JobExecutor {
  proc?: import('node:child_process').ChildProcess;
  start(): Promise<void>;
  initialize(options: { sessionEndTimeout?: number }): Promise<void>;
  launchJob(info: unknown): Promise<void>;
  close(): Promise<void>;
}
interface ExecutorModule {
  JobProcExecutor: new (opts: {
    agent: string;
    initializeTimeout: number;
    closeTimeout: number;
    memoryWarnMB: number;
    memoryLimitMB: number;
    pingInterval: number;
    pingTimeout: number;
    highPingThreshold: number;
  }) => JobExecutor;
}
interface AgentsLog {
  initializeLogger(o: { pretty: boolean; level: string }): void;
}

export interface JobChildFigures {
  pid: number;
  /** fork → initializeResponse (agents-js imported, prewarm done: the Silero model loaded). */
  readyMs: number;
  rssMb: number;
  /** The child's CPU over the measured window, in % of one core. */
  cpuPct: number;
}

function loadExecutor(): ExecutorModule {
  const req = createRequire(join(REPO, 'package.json'));
  const dist = dirname(req.resolve('@livekit/agents'));
  // The executor logs through agents-js's process logger; the child's level comes from it too.
  (req('@livekit/agents') as AgentsLog).initializeLogger({ pretty: false, level: 'error' });
  // Not in the package's exports: AgentServer's pool is internal, so it is loaded by path.
  return req(join(dist, 'ipc', 'job_proc_executor.cjs')) as ExecutorModule;
}

export function rssMbOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) / 1024;
}

/** utime + stime of a process, in ms (fields 14 and 15 of /proc/PID/stat, in clock ticks of 10 ms). */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function fakeJob(i: number): unknown {
  return {
    acceptArguments: { name: 'density', identity: `agent-density-${i}`, metadata: '' },
    job: {
      id: `AJ_density_${i}`,
      agentName: 'density',
      metadata: JSON.stringify({ tenant: `job-${i}` }),
      room: { sid: `RM_density_${i}`, name: `density-${i}`, metadata: '' },
      attributes: {},
    },
    url: '',
    token: '',
    workerId: 'density-bench',
    fakeJob: true,
  };
}

/**
 * Starts `count` job children at once (as a worker with that many calls has them), waits until
 * every child's call streams, lets them run `warmupMs`, then measures each child's RSS and its
 * CPU over `measureMs`. The children are killed before returning.
 */
export async function measureJobChildren(
  agentModule: string,
  count: number,
  warmupMs: number,
  measureMs: number,
): Promise<JobChildFigures[]> {
  const { JobProcExecutor } = loadExecutor();
  const executors: JobExecutor[] = [];
  try {
    const ready = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const ex = new JobProcExecutor({
          agent: agentModule,
          // AgentServer's defaults but the initialize timeout (10 s): on this shared host importing
          // agents-js alone has taken over 20 s.
          initializeTimeout: 180_000,
          closeTimeout: 10_000,
          memoryWarnMB: 0,
          memoryLimitMB: 0,
          pingInterval: 2500,
          pingTimeout: 60_000,
          highPingThreshold: 500,
        });
        executors.push(ex);
        const t0 = performance.now();
        await ex.start();
        await ex.initialize({ sessionEndTimeout: 5000 });
        const readyMs = performance.now() - t0;
        const child = ex.proc!;
        const streaming = new Promise<void>((resolve) => {
          const on = (msg: { case?: string }): void => {
            if (msg.case !== STREAMING_MESSAGE) return;
            child.off('message', on);
            resolve();
          };
          child.on('message', on);
        });
        await ex.launchJob(fakeJob(i));
        await streaming;
        return { pid: child.pid!, readyMs };
      }),
    );
    await sleep(warmupMs);
    const cpu0 = ready.map((r) => cpuMsOf(r.pid));
    const t0 = performance.now();
    await sleep(measureMs);
    const elapsed = performance.now() - t0;
    return ready.map((r, i) => ({
      pid: r.pid,
      readyMs: r.readyMs,
      rssMb: rssMbOf(r.pid),
      cpuPct: ((cpuMsOf(r.pid) - cpu0[i]!) / elapsed) * 100,
    }));
  } finally {
    // Measured: the children's graceful end (shutdown request, session drain) only costs time here.
    for (const ex of executors) ex.proc?.kill('SIGKILL');
    await Promise.all(executors.map((ex) => ex.close().catch(() => undefined)));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
