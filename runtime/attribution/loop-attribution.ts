// The main-thread side of loop monitoring: a heartbeat that measures loop lag and blocks,
// the watchdog worker that samples who held the loop, and the per-session state the runtime
// puts on its rows (slow, last block, CPU share). Plug-in seam for the Runtime: start/stop,
// setThreshold, onBlock, sessionState, loopLag, forgetSession.
import inspector from 'node:inspector';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { LoopLag, StackFrame } from '../../protocol/control';
import { BlockMatcher, type BlockReport } from './block-matcher';
import { CpuWindow } from './cpu-window';
import { LagWindow } from './lag-window';
import { cpuNowMs, installProbes } from './main-probes';
import { mainThreadRunQueueClock } from './run-queue';
import { sourceMapUrlOf } from './frame-mapper';
import {
  SLOT_COUNT,
  Slot,
  type MainMessage,
  type StallExitWire,
  type WatchdogMessage,
  type WorkerInit,
} from './messages';
import { SlowMarks } from './slow-marks';
import { watchdogWorkerSource, type WorkerSource } from './worker-file';
import type { SessionScope } from '../session/scope';
import type { StallReport } from '../loop-health/attribution-seam';

export interface LoopAttributionOptions {
  /** `slow_session_threshold_ms`; default 50. */
  thresholdMs?: number;
  /** Window of `cpu_pct`, ms; default 10 000. */
  cpuWindowMs?: number;
  /**
   * CPU sampling period, ms; default 20. 0 turns CPU sampling off. Each sample is an inspector round
   * trip that wakes both threads: most of the monitor's cost (docs/cpu-and-blocking.md).
   */
  cpuSampleMs?: number;
  /** Window of the loop-lag percentiles, ms; default 10 000. */
  lagWindowMs?: number;
  maxFrames?: number;
  worker?: WorkerSource;
  /**
   * Where `[slow-session]` lines go (the runtime passes its logger's warn). A block blamed on a
   * session comes with that session's scope, so `logs --session X` shows the line too.
   */
  log?: (line: string, scope: SessionScope | null) => void;
  /**
   * The code of a script evaluated from memory (an agent bundle run under a name such as
   * `/ws/agents/a.ts?v=3`), so its frames map to the user's .ts through its inline source map.
   */
  scriptSource?: (scriptName: string) => string | undefined;
  /**
   * Whether a session still runs. A block is reported a moment after it ends; a session that
   * ended meanwhile has been forgotten, and a mark recorded for it would never be dropped.
   * Default: every session does.
   */
  isLive?: (sessionId: string) => boolean;
}

export interface LiveBlockFeed {
  heartbeat: SharedArrayBuffer;
  port: MessagePort;
}

export interface SessionLoopState {
  slow: boolean;
  blocked_ms_last: number | null;
  blocked_frames: StackFrame[] | null;
  cpu_pct: number;
}

// The control protocol accepts the same range (runtime/control/params.ts), so a valid request never fails here.
export const MIN_THRESHOLD_MS = 1;
export const MAX_THRESHOLD_MS = 600_000;

const wallNow = (): number => performance.timeOrigin + performance.now();

/** Heartbeat period: a tenth of the threshold, so a block's measured length is within 10 % of it. */
function heartbeatMsFor(thresholdMs: number): number {
  return Math.min(20, Math.max(2, thresholdMs / 10));
}

export function validateThreshold(ms: unknown, where: string): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < MIN_THRESHOLD_MS || ms > MAX_THRESHOLD_MS) {
    throw new RangeError(
      `${where}: slow_session_threshold_ms must be a number from ${MIN_THRESHOLD_MS} to ${MAX_THRESHOLD_MS}, got ${JSON.stringify(ms)}`,
    );
  }
  return ms;
}

/** The stall in progress as the seam reports it: the latest sample's session and frames. */
function stallReport(stall: StallExitWire): StallReport {
  const scope = stall.sample?.scope ?? null;
  return {
    session_id: scope?.session_id ?? null,
    tenant: scope?.tenant ?? null,
    agent_name: scope?.agent_name ?? null,
    blocked_ms: Math.round(stall.blocked_ms),
    since_ms: Math.round(stall.since_ms),
    frames: stall.sample?.frames ?? [],
  };
}

export function formatSlowSessionLog(r: BlockReport): string {
  if (r.attribution === 'unsampled' || r.attribution === 'host') {
    const why =
      r.attribution === 'host'
        ? 'the watchdog thread was starved too: host CPU contention'
        : 'the watchdog did not sample it in time: host contention, or a block that ended at the threshold';
    return `[loop-lag] event loop stalled for ${r.blocked_ms}ms; not attributed (${why})`;
  }
  const who = r.session_id ?? 'none';
  const why =
    r.attribution === 'outside'
      ? ' (runtime code, outside any session)'
      : ` (tenant=${r.tenant} agent=${r.agent_name})`;
  const frames = r.frames.map((f) => `\n    at ${f.function} (${f.file}:${f.line}:${f.column})`).join('');
  return `[slow-session] session_id=${who} blocked event loop for ${r.blocked_ms}ms${why}${frames}`;
}

export class LoopAttribution {
  private readonly shared = new Float64Array(new SharedArrayBuffer(SLOT_COUNT * Float64Array.BYTES_PER_ELEMENT));
  private readonly matcher = new BlockMatcher();
  private readonly marks = new SlowMarks();
  private readonly cpu: CpuWindow;
  private readonly lag: LagWindow;
  private readonly listeners = new Set<(r: BlockReport) => void>();
  private threshold: number;
  private heartbeat: NodeJS.Timeout | null = null;
  private debuggerCheck: NodeJS.Timeout | null = null;
  private lastBeat = 0;
  /** The loop's cumulative busy time (event-loop utilization's `active`, ms) at the last beat. */
  private lastActiveMs = 0;
  private readonly runQueueNowMs = mainThreadRunQueueClock();
  private lastRunQueueMs = 0;
  private worker: Worker | null = null;
  private uninstall: (() => void) | null = null;
  private liveFeedTaken = false;
  private onStall: ((r: StallReport) => void) | null = null;

  constructor(private readonly opts: LoopAttributionOptions = {}) {
    this.threshold = validateThreshold(opts.thresholdMs ?? 50, 'LoopAttribution');
    this.cpu = new CpuWindow(opts.cpuWindowMs ?? 10_000);
    this.lag = new LagWindow(opts.lagWindowMs ?? 10_000, wallNow());
  }

  get thresholdMs(): number {
    return this.threshold;
  }

  async start(): Promise<void> {
    if (this.worker) return;
    this.uninstall = installProbes(
      this.shared,
      this.opts.maxFrames ?? 8,
      (name) => {
        const code = this.opts.scriptSource?.(name);
        return code ? sourceMapUrlOf(code) : null;
      },
      (stall) => this.onStall?.(stallReport(stall)),
    );
    this.shared[Slot.enabled] = debuggerAttached() ? 0 : 1;
    this.applyThreshold();
    const init: WorkerInit = {
      buffer: this.shared.buffer,
      cpuSampleMs: Math.max(0, this.opts.cpuSampleMs ?? 20),
      cpuFlushMs: 1000,
    };
    const src = this.opts.worker ?? watchdogWorkerSource();
    const worker = new Worker(src.code, { eval: src.eval, workerData: init });
    // 'ready' comes once the worker has loaded and armed its timers ('online' is before loading).
    const ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (msg: WatchdogMessage) => (msg.type === 'ready' ? resolve() : this.onWorkerMessage(msg)));
      worker.once('error', reject);
    });
    worker.on('error', (err) => {
      if (this.worker === worker)
        this.opts.log?.(
          `[slow-session] watchdog worker failed: ${err.message}; loop blocks are measured but not attributed`,
          null,
        );
    });
    this.worker = worker;
    try {
      await ready;
    } catch (err) {
      // The runtime runs on without attribution: the heartbeat still measures loop lag and stalls.
      this.worker = null;
      this.opts.log?.(
        `[slow-session] watchdog worker did not start (${err instanceof Error ? err.message : String(err)}); loop blocks are measured but not attributed`,
        null,
      );
      return;
    }
    // The process's lifetime is the runtime's business, never the watchdog's.
    worker.unref();
    this.debuggerCheck = setInterval(() => {
      this.shared[Slot.enabled] = debuggerAttached() ? 0 : 1;
    }, 1000).unref();
  }

  async stop(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.debuggerCheck) clearInterval(this.debuggerCheck);
    this.heartbeat = this.debuggerCheck = null;
    this.shared[Slot.enabled] = 0;
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
    this.uninstall?.();
    this.uninstall = null;
  }

  /**
   * What another thread needs to see a block while it is in progress: the heartbeat buffer
   * (Slot layout in messages.ts) and the watchdog's live feed (LiveStallMessage). Made on demand,
   * since an unread port would queue every stall; once per run. null without a running watchdog.
   */
  takeLiveFeed(): LiveBlockFeed | null {
    if (!this.worker || this.liveFeedTaken) return null;
    this.liveFeedTaken = true;
    const channel = new MessageChannel();
    const attach: MainMessage = { type: 'live', port: channel.port1 };
    this.worker.postMessage(attach, [channel.port1]);
    return { heartbeat: this.shared.buffer, port: channel.port2 };
  }

  /**
   * `loop_stall_exit_s`: once a stall is `ms` old, `onStall` runs on the main thread, inside the
   * stall (the loop never comes back to run it otherwise). 0 turns it off.
   */
  setStallExit(ms: number, onStall: (r: StallReport) => void): void {
    this.onStall = ms > 0 ? onStall : null;
    this.shared[Slot.stallExitMs] = ms > 0 ? ms : 0;
  }

  setThreshold(ms: number): void {
    this.threshold = validateThreshold(ms, 'setSlowThreshold');
    if (this.worker) this.applyThreshold();
  }

  onBlock(listener: (r: BlockReport) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  loopLag(): LoopLag {
    return this.lag.read(wallNow());
  }

  sessionState(sessionId: string): SessionLoopState {
    const now = wallNow();
    return { ...this.marks.get(sessionId, now), cpu_pct: this.cpu.shares(now).get(sessionId) ?? 0 };
  }

  forgetSession(sessionId: string): void {
    this.marks.forget(sessionId);
  }

  private applyThreshold(): void {
    const beatMs = heartbeatMsFor(this.threshold);
    this.shared[Slot.thresholdMs] = this.threshold;
    this.shared[Slot.heartbeatMs] = beatMs;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.lastBeat = wallNow();
    this.lastActiveMs = performance.eventLoopUtilization().active;
    this.lastRunQueueMs = this.runQueueNowMs();
    this.shared[Slot.heartbeatCpuMs] = cpuNowMs();
    this.shared[Slot.heartbeat] = this.lastBeat;
    this.heartbeat = setInterval(() => this.beat(beatMs), beatMs).unref();
  }

  private beat(beatMs: number): void {
    const now = wallNow();
    const lagMs = Math.max(0, now - this.lastBeat - beatMs);
    const activeMs = performance.eventLoopUtilization().active;
    // The lag is the block less the idle wait before it (under one period), unless the host
    // stretched that wait; the loop's busy time since the last beat is the block plus any work
    // before it. The smaller of the two is the closer, and keeps out a stretched idle wait.
    const blockedMs = Math.min(lagMs, activeMs - this.lastActiveMs);
    this.lastActiveMs = activeMs;
    const runQueueNow = this.runQueueNowMs();
    const waitedForCoreMs = runQueueNow - this.lastRunQueueMs;
    this.lastRunQueueMs = runQueueNow;
    this.lag.record(lagMs, now);
    const stamp = this.lastBeat;
    const cpuNow = cpuNowMs();
    const cpuMs = cpuNow - (this.shared[Slot.heartbeatCpuMs] ?? cpuNow);
    this.lastBeat = now;
    this.shared[Slot.heartbeatCpuMs] = cpuNow;
    this.shared[Slot.heartbeat] = now;
    if (blockedMs > this.threshold)
      this.emit(
        this.matcher.addBlock({ stamp, blockedMs, endedAt: now, thresholdMs: this.threshold, cpuMs, waitedForCoreMs }),
      );
    this.emit(this.matcher.sweep(now));
  }

  private onWorkerMessage(msg: WatchdogMessage): void {
    switch (msg.type) {
      case 'ready':
        return;
      case 'block-samples':
        this.emit(
          this.matcher.addSample(
            {
              stamp: msg.stamp,
              host: false,
              watchdogLateMs: msg.watchdog_late_ms,
              detectedAfterMs: msg.detected_after_ms,
              samples: msg.samples,
            },
            wallNow(),
          ),
        );
        return;
      case 'cpu':
        this.cpu.add(msg);
        return;
      case 'host-stall':
        this.emit(
          this.matcher.addSample(
            {
              stamp: msg.stamp,
              host: true,
              watchdogLateMs: msg.watchdog_late_ms,
              detectedAfterMs: msg.watchdog_late_ms,
              samples: [],
            },
            wallNow(),
          ),
        );
        return;
      case 'error':
        this.opts.log?.(`[slow-session] ${msg.message}`, null);
        return;
    }
  }

  private emit(reports: BlockReport[]): void {
    for (const r of reports) {
      if (r.session_id && (this.opts.isLive?.(r.session_id) ?? true))
        this.marks.record(r.session_id, { blockedMs: r.blocked_ms, frames: r.frames, at: r.ended_at });
      const scope =
        r.session_id && r.tenant && r.agent_name
          ? { sessionId: r.session_id, tenant: r.tenant, agentName: r.agent_name }
          : null;
      this.opts.log?.(formatSlowSessionLog(r), scope);
      // A stall nobody sampled (the watchdog was starved too, or the block ended right at the
      // threshold) counts in loop lag and the log, but is no slow_session: it names no one.
      if (r.attribution === 'unsampled' || r.attribution === 'host') continue;
      for (const l of this.listeners) l(r);
    }
  }
}

/** A debugger or inspector server is active: stalls are breakpoints, and probes would interfere. */
function debuggerAttached(): boolean {
  return inspector.url() !== undefined;
}
