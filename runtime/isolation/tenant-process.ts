// One isolated tenant's child process, supervised by the parent: fork, wait for 'ready', relay
// sessions to it, watch its RSS and liveness, and when it dies fail its live sessions and start
// a new one with backoff. The parent never depends on the child behaving: every message is
// validated, a child that stops talking is killed, and nothing a child does can throw here.
import { fork, type ChildProcess } from 'node:child_process';
import type { LoopLag, TenantProcessInfo } from '../../protocol/control';
import type { SessionContext } from '../agents/types';
import { describeError, errorSummary, type LogLevel } from '../log-writer/log';
import type { LoopBlockReport, SessionLoopView } from '../loop-health/attribution-seam';
import { assignedJobOf, assignedJobToWire, type AssignedJobWire } from '../livekit/job/job-source';
import { sessionOfScope, type LateErrorOrigin } from '../session/session';
import { RestartBackoff, type BackoffSettings } from './backoff';
import { ReadyGate } from './ready-gate';
import type { ChildEntry } from './child-entry';
import { killOnExit, lowerPriority, readRssMb } from './os-process';
import {
  IPC_TAG,
  parseChildMessage,
  reviveError,
  type ChildInit,
  type ChildMessage,
  type ParentMessage,
} from './messages';

const STDERR_TAIL_BYTES = 2048;
/**
 * Late errors can arrive after a session ended: ended sessions are remembered for them, at most
 * this many and for `lateErrorWindowMs`. Each keeps its whole Session alive (about 9 KB), so a
 * count alone let the heap grow for minutes at a modest rate (the soak's RSS drift).
 */
const ENDED_MEMORY = 1000;

export interface TenantProcessOptions {
  init: ChildInit;
  entry: ChildEntry;
  /** A child that has not said 'ready' by then is killed: the start failed. */
  startTimeoutMs: number;
  /** A ready child that sends nothing (its stats beat) for this long is killed as stuck. */
  unresponsiveMs: number;
  /** `tenant_memory_limit_mb`, read on every check so a config reload applies; 0 = none. */
  memoryLimitMb: () => number;
  backoff: BackoffSettings;
  /** Scheduling niceness added to the child, so a tenant spinning in it yields the CPU to the shared loop. */
  niceness: number;
  log: (level: LogLevel, message: string, excInfo?: string) => void;
  /** A record the child logged, written by the parent's logger. */
  writeRecord: (record: Extract<ChildMessage, { type: 'log' }>['record']) => void;
  onBlock: (report: LoopBlockReport) => void;
  /** An error escaped a session after it ended (the parent counts it as a late failure). */
  onLateError: (ctx: SessionContext, error: Error, origin: LateErrorOrigin) => void;
  /** How long after its end a session's late errors still count; later ones are logged, not counted. */
  lateErrorWindowMs: number;
}

export class TenantProcessError extends Error {
  override name = 'TenantProcessError';
}

interface RemoteCall {
  ctx: SessionContext;
  settle(error: Error | null): void;
}

type State = TenantProcessInfo['state'];

export class TenantProcess {
  private child: ChildProcess | null = null;
  private state: State = 'starting';
  private readonly calls = new Map<string, RemoteCall>();
  private readonly endedRecently = new Map<string, { ctx: SessionContext; endedAt: number }>();
  private readonly ready = new ReadyGate();
  private readonly backoff: RestartBackoff;
  private restartTimer: NodeJS.Timeout | null = null;
  private checkTimer: NodeJS.Timeout | null = null;
  private upSince = 0;
  private lastHeardAt = 0;
  private killReason: string | null = null;
  private stderrTail = '';
  private lastStats: { loopLag: LoopLag; rssMb: number; sessions: Record<string, SessionLoopView> } | null = null;
  /** Sessions routed here that have not ended: drain waits for these. */
  private pending = 0;
  private drainWaiters: (() => void)[] = [];
  private restarts = 0;

  constructor(private readonly opts: TenantProcessOptions) {
    this.backoff = new RestartBackoff(opts.backoff);
  }

  get tenant(): string {
    return this.opts.init.tenant;
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  get liveSessions(): number {
    return this.pending;
  }

  /** First start: resolves once the child is ready; rejects (and leaves nothing running) if it never gets there. */
  start(): Promise<void> {
    const ready = this.whenReady();
    this.spawn();
    return ready.catch((err: unknown) => {
      this.stop();
      throw err;
    });
  }

  /**
   * Runs one session in the child; resolves when it ended there (or was cancelled), rejects
   * with the child's error or when the child died. Used as the entry of the relay agent, so the
   * parent's Session does the outcome, slot and log bookkeeping exactly as on the shared loop.
   */
  async run(ctx: SessionContext, agentName: string, graceMs: number): Promise<void> {
    this.pending++;
    try {
      if (this.state !== 'ready') await this.whenReady(ctx.sessionId);
      if (ctx.signal.aborted) return;
      await new Promise<void>((resolve, reject) => {
        this.calls.set(ctx.sessionId, { ctx, settle: (err) => (err ? reject(err) : resolve()) });
        this.send({
          tag: IPC_TAG,
          type: 'start',
          session_id: ctx.sessionId,
          agent_name: agentName,
          metadata: { ...ctx.metadata },
          tenant_config: { ...ctx.tenantConfig },
          grace_ms: graceMs,
          ...liveKitJobOf(ctx),
        });
        ctx.signal.addEventListener('abort', () => {
          const reason = ctx.signal.reason as string;
          // 'failed' is the parent reacting to what the child reported: nothing to tell it.
          if (reason === 'hang-up' || reason === 'cancelled' || reason === 'drain') {
            this.send({
              tag: IPC_TAG,
              type: 'abort',
              session_id: ctx.sessionId,
              reason,
              grace_ms: graceMs,
            });
          }
        });
        void this.pumpTurns(ctx);
      });
    } finally {
      if (--this.pending === 0) for (const w of this.drainWaiters.splice(0)) w();
    }
  }

  /** The parent's view of the session ended (it may end before the child reports, e.g. a stuck child). */
  forget(sessionId: string): void {
    const call = this.calls.get(sessionId);
    if (call) this.endCall(sessionId, call, null);
    // Still waiting for a child that is restarting: stop waiting now. Left waiting, its wait would
    // time out later and reject an entry whose session already ended — a failure with no record.
    this.ready.release(sessionId);
  }

  /** Resolves once every session routed here has ended. */
  drained(): Promise<void> {
    return this.pending === 0 ? Promise.resolve() : new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  setThreshold(ms: number): void {
    this.send({ tag: IPC_TAG, type: 'set_threshold', threshold_ms: ms });
  }

  sessionView(sessionId: string): SessionLoopView | undefined {
    return this.lastStats?.sessions[sessionId];
  }

  loopLag(): LoopLag | null {
    return this.lastStats?.loopLag ?? null;
  }

  /** RSS of the child, MB: from /proc when available (works while the child is stuck), else its last report. */
  rssMb(): number | null {
    const pid = this.child?.pid;
    if (pid !== undefined) {
      const measured = readRssMb(pid);
      if (measured !== null) return measured;
    }
    return this.lastStats?.rssMb ?? null;
  }

  info(): TenantProcessInfo {
    return {
      pid: this.pid,
      state: this.state,
      rss_mb: this.rssMb(),
      loop_lag: this.loopLag(),
      restarts: this.restarts,
      live_sessions: this.pending,
    };
  }

  /** Stops the child for good (after a drain, or on runtime stop); sessions still there fail. */
  stop(): void {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.checkTimer) clearInterval(this.checkTimer);
    this.restartTimer = this.checkTimer = null;
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      // A child stuck in a loop cannot hear 'shutdown': one that has been silent is killed at once.
      if (Date.now() - this.lastHeardAt > 2 * this.opts.init.statsIntervalMs + 100) child.kill('SIGKILL');
      else {
        this.send({ tag: IPC_TAG, type: 'shutdown' });
        setTimeout(() => child.kill('SIGKILL'), 1000).unref();
      }
    }
    this.ready.fail(new TenantProcessError(`tenant '${this.tenant}' process was stopped`));
    this.failCalls(`tenant '${this.tenant}' process was stopped`);
  }

  // ---- internals ------------------------------------------------------------------------

  private spawn(): void {
    this.state = 'starting';
    this.killReason = null;
    this.stderrTail = '';
    this.lastStats = null;
    let child: ChildProcess;
    try {
      child = fork(this.opts.entry.file, [JSON.stringify(this.opts.init)], {
        execArgv: this.opts.entry.execArgv,
        stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
        serialization: 'json',
        env: { ...process.env, OPENRTC_TENANT_CHILD: this.tenant },
      });
    } catch (err) {
      this.onGone(null, `could not be started: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    this.child = child;
    killOnExit(child);
    lowerPriority(child, this.opts.niceness);
    this.upSince = Date.now();
    this.lastHeardAt = Date.now();
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    child.on('message', (raw: unknown) => this.onMessage(raw));
    // A failed send (child already gone) surfaces through 'exit'; nothing to do here.
    child.on('error', () => undefined);
    // Messages still in the pipe arrive before 'disconnect'; act once both it and 'exit' came.
    let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    let disconnected = !child.connected;
    const gone = (): void => {
      if (exited && disconnected && this.child === child) this.onGone(exited.code, null, exited.signal);
    };
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      gone();
    });
    child.on('disconnect', () => {
      disconnected = true;
      gone();
    });
    const startTimer = setTimeout(() => {
      if (this.child === child && this.state === 'starting') {
        this.killReason = `did not report ready within ${this.opts.startTimeoutMs} ms`;
        child.kill('SIGKILL');
      }
    }, this.opts.startTimeoutMs);
    startTimer.unref();
    if (!this.checkTimer) {
      this.checkTimer = setInterval(() => this.check(), Math.max(50, this.opts.init.statsIntervalMs));
      this.checkTimer.unref();
    }
  }

  private onMessage(raw: unknown): void {
    let msg: ChildMessage;
    try {
      msg = parseChildMessage(raw);
    } catch (err) {
      // Agent code may process.send() anything; say so once per message and carry on.
      this.opts.log(
        'warn',
        `[isolation] tenant '${this.tenant}' process sent a bad message, ignored: ${err instanceof Error ? err.message : String(err)}`,
      );
      return;
    }
    this.lastHeardAt = Date.now();
    switch (msg.type) {
      case 'ready':
        this.onReady(msg.agents);
        return;
      case 'say':
        this.calls.get(msg.session_id)?.ctx.say(msg.text);
        return;
      case 'ended': {
        const call = this.calls.get(msg.session_id);
        if (call) this.endCall(msg.session_id, call, msg.error ? reviveError(msg.error) : null);
        return;
      }
      case 'late_error': {
        const ctx = this.endedRecently.get(msg.session_id)?.ctx ?? this.calls.get(msg.session_id)?.ctx;
        const error = reviveError(msg.error);
        if (ctx) this.opts.onLateError(ctx, error, msg.origin);
        else {
          // Its books are closed (or it was never ours): said with the reason, and not counted.
          this.opts.log(
            'warn',
            `[isolation] tenant '${this.tenant}' process reported ${msg.origin} from session ${msg.session_id}, which ended over ${this.opts.lateErrorWindowMs / 1000} s ago or is unknown; not counted: ${errorSummary(error)}`,
            describeError(error),
          );
        }
        return;
      }
      case 'log':
        // A child speaks for its own tenant only: a record claiming another is a forgery.
        if (msg.record.tenant === null || msg.record.tenant === this.tenant) this.opts.writeRecord(msg.record);
        else
          this.opts.log(
            'warn',
            `[isolation] tenant '${this.tenant}' process sent a log record for tenant '${msg.record.tenant}', dropped`,
          );
        return;
      case 'stats':
        this.lastStats = { loopLag: msg.loop_lag, rssMb: msg.rss_mb, sessions: msg.sessions };
        return;
      case 'block':
        // Only sessions of this tenant can be in this child; anything else is not believed.
        if (msg.report.tenant === null || msg.report.tenant === this.tenant) this.opts.onBlock(msg.report);
        return;
    }
  }

  private onReady(agents: string[]): void {
    if (this.state !== 'starting') return;
    this.state = 'ready';
    const pid = this.child?.pid ?? null;
    if (this.restarts > 0)
      this.opts.log(
        'info',
        `[isolation] tenant '${this.tenant}' process restarted (pid ${pid}); agents: ${agents.join(', ') || 'none'}`,
      );
    this.ready.open();
  }

  private endCall(sessionId: string, call: RemoteCall, error: Error | null): void {
    this.calls.delete(sessionId);
    this.endedRecently.set(sessionId, { ctx: call.ctx, endedAt: Date.now() });
    this.forgetEnded();
    call.settle(error);
  }

  private async pumpTurns(ctx: SessionContext): Promise<void> {
    for await (const text of ctx.userTurns()) {
      if (!this.calls.has(ctx.sessionId)) return;
      this.send({ tag: IPC_TAG, type: 'turn', session_id: ctx.sessionId, text });
    }
  }

  /** Drops ended sessions past the late-error window or the count (oldest first: the map keeps end order). */
  private forgetEnded(): void {
    const cutoff = Date.now() - this.opts.lateErrorWindowMs;
    for (const [id, e] of this.endedRecently) {
      if (e.endedAt >= cutoff && this.endedRecently.size <= ENDED_MEMORY) return;
      this.endedRecently.delete(id);
    }
  }

  private check(): void {
    this.forgetEnded();
    const child = this.child;
    if (this.state !== 'ready' || !child) return;
    const limit = this.opts.memoryLimitMb();
    const rss = this.rssMb();
    if (limit > 0 && rss !== null && rss > limit) {
      this.killReason = `was killed: RSS ${Math.round(rss)} MB exceeded tenant_memory_limit_mb=${limit}`;
      child.kill('SIGKILL');
      return;
    }
    const silentMs = Date.now() - this.lastHeardAt;
    if (silentMs > this.opts.unresponsiveMs) {
      this.killReason = `was killed: unresponsive for ${Math.round(silentMs)} ms (its event loop is blocked)`;
      child.kill('SIGKILL');
    }
  }

  /** The child is gone: fail what ran there, then restart with backoff unless stopped. */
  private onGone(code: number | null, startError: string | null, signal: NodeJS.Signals | null = null): void {
    const wasStarting = this.state === 'starting';
    const pid = this.child?.pid ?? null;
    this.child = null;
    const how = startError ?? this.killReason ?? (signal ? `was killed by ${signal}` : `exited with code ${code}`);
    const what = `tenant '${this.tenant}' process${pid !== null ? ` (pid ${pid})` : ''} ${how}`;
    const stderr = this.stderrTail.trim();
    if (this.state === 'stopped') return;
    const live = this.calls.size;
    this.opts.log(
      'error',
      `[isolation] ${what}${live ? `; failing its ${live} live session(s)` : ''}`,
      stderr ? `child stderr (tail):\n${stderr}` : undefined,
    );
    this.failCalls(what);
    if (wasStarting && this.restarts === 0) {
      // The first start failed: isolateTenant reports it and nothing else changes.
      this.ready.fail(
        new TenantProcessError(
          `${what} before it was ready${stderr ? `: ${stderr.split('\n').slice(-3).join(' | ')}` : ''}`,
        ),
      );
      this.stop();
      return;
    }
    this.state = 'backoff';
    const delay = this.backoff.next(Date.now() - this.upSince);
    this.opts.log(
      'warn',
      `[isolation] restarting tenant '${this.tenant}' process in ${delay} ms (consecutive failures: ${this.backoff.consecutiveFailures})`,
    );
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.restarts++;
      this.spawn();
    }, delay);
    this.restartTimer.unref();
  }

  private failCalls(why: string): void {
    for (const [id, call] of [...this.calls]) this.endCall(id, call, new TenantProcessError(why));
  }

  private whenReady(sessionId: string | null = null): Promise<void> {
    if (this.state === 'ready') return Promise.resolve();
    if (this.state === 'stopped')
      return Promise.reject(new TenantProcessError(`tenant '${this.tenant}' process is stopped`));
    // A session waiting through a restart fails if the child does not come back in time.
    return this.ready.wait(
      sessionId,
      this.opts.startTimeoutMs + this.opts.backoff.maxMs,
      () =>
        new TenantProcessError(
          `tenant '${this.tenant}' process not available (restarting) within ${this.opts.startTimeoutMs} ms`,
        ),
    );
  }

  private send(msg: ParentMessage): void {
    const child = this.child;
    if (!child?.connected) return;
    // A child that died between the check and the write surfaces through 'exit'.
    child.send(msg, (err) => void err);
  }
}

/** A LiveKit job assigned to this session's slot crosses to the child as its protobuf bytes. */
function liveKitJobOf(ctx: SessionContext): { livekit_job?: AssignedJobWire } {
  const assigned = assignedJobOf(sessionOfScope(ctx)?.slot);
  return assigned ? { livekit_job: assignedJobToWire(assigned) } : {};
}
