// One size of bench/density's shared side, in a fresh process so every size starts from the same
// empty runtime: the full runtime (as `openrtc run` starts it, loop attribution on) with the
// density agent in a workspace, N voice calls placed at once through startCalls (the local
// voice caller: espeak-ng speech in real-time 20 ms frames into each AgentSession's audio input,
// the agent's speech played back at 1×). After a warm-up, one window measures the loop's lag
// (5 ms probe), the process's RSS and CPU.
// Run bundled (bundles.ts), as `node --expose-gc density-shared.js REPO N WARMUP_MS MEASURE_MS`;
// prints one JSON line.
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { makeWorkspace } from '../../test/runtime/engine-workspace';
import { startBenchRuntime } from '../admission/start-runtime';
import { CALLER_LINES, densityAgentSource } from './agent-source';
import { LagProbe } from './lag-probe';
import { synthesiseDensityLines } from './speech-warmup';
import { mainThreadTimes } from './thread-times';
import type { LagSummary } from './stats';
import { CALLER_VOICE, REPLY_TIMEOUT_MS } from './voice-call-settings';

export interface SharedFigures {
  n: number;
  /** Sessions live at the end of the window (all N unless some ended or failed). */
  active: number;
  /** The runtime with the agent loaded and prewarmed (Silero model in memory), before any call. */
  idle_rss_mb: number;
  rss_mb: number;
  lag: LagSummary;
  /** Process CPU over the window, % of one core (all threads: the loop, onnxruntime, rtc-node). */
  cpu_pct: number;
  /** The loop's thread alone on a core, % of the window: 100 is a saturated loop. */
  loop_cpu_pct: number;
  /** The loop's thread runnable but waiting for a core (a busy host), % of the window. */
  loop_wait_pct: number;
  /** Agent replies in the window: turns the VAD closed, transcribed, answered and spoken. */
  replies: number;
  /** Calls of the N that failed by the end of the window. */
  failed: number;
}

const AGENT = 'density';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function agentReplies(logFile: string): number {
  let text: string;
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return 0;
  }
  return text.split('\n').filter((l) => l.includes('"logger":"call"') && l.includes('"message":"agent: ')).length;
}

async function main(): Promise<void> {
  const [repo, ...nums] = process.argv.slice(2);
  const [n, warmupMs, measureMs] = nums.map(Number) as [number, number, number];
  if (!repo || !(n >= 1) || !(warmupMs >= 0) || !(measureMs > 0))
    throw new Error('usage: density-shared.js REPO N WARMUP_MS MEASURE_MS');
  const ws = makeWorkspace(
    { [`agents/${AGENT}.ts`]: densityAgentSource(repo) },
    { max_concurrent_sessions: n + 10, max_sessions_per_tenant: { '*': n + 10 } },
  );
  symlinkSync(join(repo, 'node_modules'), join(ws.dir, 'node_modules'), 'dir');
  const rt = await startBenchRuntime(ws.dir);
  try {
    // One-off costs first: every line's synthesis, then one call's turn (agents-js's lazily
    // loaded modules, the first session).
    await synthesiseDensityLines();
    const say = Array.from({ length: 200 }, (_, i) => CALLER_LINES[i % CALLER_LINES.length]!);
    const voice = { voice: true, voice_name: CALLER_VOICE.voice, voice_rate: CALLER_VOICE.rate } as const;
    await rt.startCalls({
      agent: AGENT,
      tenant: 'warmup',
      say: CALLER_LINES.slice(0, 1),
      reply_timeout_ms: REPLY_TIMEOUT_MS,
      ...voice,
    });
    (globalThis as { gc?: () => void }).gc?.();
    await sleep(500);
    const idleRss = process.memoryUsage().rss / 2 ** 20;
    await rt.startCalls({
      agent: AGENT,
      tenant: 'callers',
      count: n,
      concurrency: n,
      say,
      reply_timeout_ms: REPLY_TIMEOUT_MS,
      wait: false,
      ...voice,
    });
    await sleep(warmupMs);
    const logFile = join(ws.dir, '.openrtc/worker.jsonl');
    const repliesBefore = agentReplies(logFile);
    const probe = new LagProbe(5);
    const cpu0 = process.cpuUsage();
    const thread0 = mainThreadTimes();
    const t0 = performance.now();
    probe.start();
    await sleep(measureMs);
    const lag = probe.stop();
    const cpu = process.cpuUsage(cpu0);
    const thread = mainThreadTimes();
    const elapsed = performance.now() - t0;
    const rss = process.memoryUsage().rss / 2 ** 20;
    const snap = rt.snapshot();
    const figures: SharedFigures = {
      n,
      active: snap.active_sessions,
      idle_rss_mb: idleRss,
      rss_mb: rss,
      lag,
      cpu_pct: ((cpu.user + cpu.system) / 1000 / elapsed) * 100,
      loop_cpu_pct: ((thread.runMs - thread0.runMs) / elapsed) * 100,
      loop_wait_pct: ((thread.waitMs - thread0.waitMs) / elapsed) * 100,
      replies: agentReplies(logFile) - repliesBefore,
      failed: snap.tenants['callers']?.failures ?? 0,
    };
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    ws.cleanup();
  }
  // The calls are still talking: the process ends here rather than drain 200 turns each.
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
