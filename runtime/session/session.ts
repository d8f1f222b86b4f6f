// One session: runs an agent's entry inside the session's AsyncLocalStorage scope, tracks its
// status (DESIGN §3.5) and decides its outcome for the breaker at a bounded point:
//   - failure: entry threw or rejected, or an error escaped from code the session started
//     (timer, unhandled rejection) — at any time;
//   - success: it ran healthily for `healthyAfterMs`, or ended normally before that;
//   - none: operator cancel and drain (a probe slot is released instead).
// Every end path goes through finish(), which runs once, so the runtime writes exactly one end
// record and releases the slot exactly once.
import type { SessionStatus } from '../../protocol/control';
import type { LoadedAgent } from '../agents/registry';
import type { EndReason, SessionContext } from '../agents/types';
import type { CallChannel } from '../caller/channel';
import type { ScopedLogger } from '../log-writer/log';
import type { Clock, TimerHandle } from '../policy/clock';
import type { Slot } from '../policy/admission';
import type { ErrorOrigin } from './containment';
import { markSessionContext } from './current';
import { sessionStorage } from './scope';

export type FinalStatus = Extract<SessionStatus, 'ended' | 'failed' | 'cancelled'>;
/** Where an error after the end came from: code the session left behind, or its own entry settling late. */
export type LateErrorOrigin = ErrorOrigin | 'entryRejection';

export interface SessionHooks {
  /** The breaker outcome, once per session (plus `late` failures after a success was recorded). */
  outcome(session: Session, ok: boolean, late: boolean): void;
  finished(session: Session, status: FinalStatus, detail: { error?: unknown; reason?: string }): void;
  /**
   * Every error from the session after it ended. `counted` is true for the one that makes it a
   * failure (the first, unless it had already failed): the single place such failures are both
   * counted and recorded, so counters and log cannot disagree.
   */
  lateError(session: Session, error: unknown, origin: LateErrorOrigin, counted: boolean): void;
}

export interface SessionInit {
  sessionId: string;
  tenant: string;
  agent: LoadedAgent;
  metadata: Record<string, unknown>;
  tenantConfig: Readonly<Record<string, unknown>>;
  slot: Slot;
  channel: CallChannel;
  log: ScopedLogger;
  clock: Clock;
  healthyAfterMs: number;
  hooks: SessionHooks;
}

const sessionsByContext = new WeakMap<object, Session>();

/** The session whose scope is active, if any (the ALS store is the agent-facing ctx). */
export function sessionOfScope(store: object | undefined): Session | undefined {
  return store ? sessionsByContext.get(store) : undefined;
}

export class Session {
  readonly id: string;
  readonly tenant: string;
  readonly agent: LoadedAgent;
  readonly slot: Slot;
  readonly channel: CallChannel;
  readonly ctx: SessionContext;
  readonly startedAtMs: number;
  readonly startedAtWall: number;
  private currentStatus: SessionStatus = 'starting';
  private readonly controller = new AbortController();
  private decided = false;
  private done = false;
  private healthyTimer: TimerHandle | null = null;
  /** Ends a session whose agent ignores hang-up/cancel; cleared at the end so it never pins the session. */
  private graceTimer: TimerHandle | null = null;
  private draining = false;
  private lateFailureCounted = false;

  constructor(private readonly init: SessionInit) {
    this.id = init.sessionId;
    this.tenant = init.tenant;
    this.agent = init.agent;
    this.slot = init.slot;
    this.channel = init.channel;
    this.startedAtMs = init.clock.now();
    this.startedAtWall = init.clock.wallTime();
    const channel = init.channel;
    this.ctx = Object.freeze({
      sessionId: init.sessionId,
      tenant: init.tenant,
      agentName: init.agent.name,
      metadata: Object.freeze({ ...init.metadata, tenant: init.tenant }),
      tenantConfig: init.tenantConfig,
      log: init.log,
      signal: this.controller.signal,
      proc: init.agent.proc,
      say: (text: string) => channel.reply(String(text)),
      userTurns: () => channel.userTurns(),
    });
    markSessionContext(this.ctx);
    sessionsByContext.set(this.ctx, this);
  }

  /** Lifecycle status; 'slow' is layered on by the snapshot from loop attribution. */
  get status(): SessionStatus {
    if (this.done || this.currentStatus === 'starting') return this.currentStatus;
    return this.draining ? 'draining' : this.currentStatus;
  }

  get finished(): boolean {
    return this.done;
  }

  /** Whether the breaker has seen this session's outcome (a cancelled probe must free its slot). */
  get outcomeDecided(): boolean {
    return this.decided;
  }

  /** Resolves with the final status once the session has ended. */
  // Declared before `ended` on purpose: class fields initialise in order.
  private resolveEnded: (status: FinalStatus) => void = () => undefined;
  readonly ended: Promise<FinalStatus> = new Promise((resolve) => (this.resolveEnded = resolve));

  start(): void {
    sessionStorage.run(this.ctx, () => {
      let result: unknown;
      try {
        result = this.agent.definition.entry(this.ctx);
      } catch (err) {
        this.fail(err);
        return;
      }
      if (this.done) return;
      this.currentStatus = 'active';
      this.healthyTimer = this.init.clock.setTimer(this.init.healthyAfterMs, () => this.decide(true));
      Promise.resolve(result).then(
        () => this.entryReturned(),
        (err: unknown) => this.entryRejected(err),
      );
    });
  }

  /**
   * An error attributed to this session from anywhere (entry, timer, unhandled rejection);
   * `origin` names where it came from should the session have ended already.
   */
  fail(error: unknown, origin: LateErrorOrigin = 'entryRejection'): void {
    if (this.done) {
      // Code the session left behind threw after it ended: still this tenant's failure, counted
      // once per session (a session that already failed is not counted again).
      const counted = this.currentStatus !== 'failed' && !this.lateFailureCounted;
      if (counted) this.lateFailureCounted = true;
      this.report(() => {
        this.init.hooks.lateError(this, error, origin, counted);
        if (counted) this.init.hooks.outcome(this, false, true);
      });
      return;
    }
    if (this.decided) this.report(() => this.init.hooks.outcome(this, false, true));
    else this.decide(false);
    this.finish('failed', { error });
  }

  /** The caller hung up; an agent that ignores its signal is ended after `graceMs`. */
  hangUp(graceMs: number): void {
    if (this.done) return;
    this.channel.close();
    this.abort('hang-up');
    this.graceTimer?.cancel();
    this.graceTimer = this.init.clock.setTimer(graceMs, () => {
      this.decide(true);
      this.finish('ended', { reason: 'hang-up' });
    });
  }

  /** Operator cancel or the end of a drain: aborts the signal; force-ends after `graceMs`. */
  cancel(reason: Extract<EndReason, 'cancelled' | 'drain'>, graceMs: number): void {
    if (this.done) return;
    this.abort(reason);
    this.channel.close();
    if (graceMs <= 0) this.finish('cancelled', { reason });
    else {
      this.graceTimer?.cancel();
      this.graceTimer = this.init.clock.setTimer(graceMs, () => this.finish('cancelled', { reason }));
    }
  }

  markDraining(): void {
    this.draining = true;
  }

  private abort(reason: EndReason): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  private endReason(): EndReason | null {
    return this.controller.signal.aborted ? (this.controller.signal.reason as EndReason) : null;
  }

  private entryReturned(): void {
    const reason = this.endReason();
    if (reason === 'cancelled' || reason === 'drain') {
      this.finish('cancelled', { reason });
      return;
    }
    this.decide(true);
    this.finish('ended', {});
  }

  private entryRejected(error: unknown): void {
    const reason = this.endReason();
    // Rejecting because we aborted the signal is how a well-behaved agent stops: not a failure.
    const causedByAbort =
      reason !== null &&
      reason !== 'failed' &&
      (error === reason || (error instanceof Error && error.name === 'AbortError'));
    if (causedByAbort && (reason === 'cancelled' || reason === 'drain')) this.finish('cancelled', { reason });
    else if (causedByAbort) {
      this.decide(true);
      this.finish('ended', {});
    } else this.fail(error);
  }

  /**
   * Runtime bookkeeping runs outside the session's scope even when triggered from inside it, so
   * its logs, events and any error it raised are never billed to (or fail) this session.
   */
  private report(fn: () => void): void {
    sessionStorage.exit(fn);
  }

  private decide(ok: boolean): void {
    if (this.decided || this.done) return;
    this.decided = true;
    this.healthyTimer?.cancel();
    this.report(() => this.init.hooks.outcome(this, ok, false));
  }

  private finish(status: FinalStatus, detail: { error?: unknown; reason?: string }): void {
    if (this.done) return;
    this.done = true;
    this.currentStatus = status;
    this.healthyTimer?.cancel();
    this.graceTimer?.cancel();
    this.abort(status === 'failed' ? 'failed' : ((detail.reason as EndReason | undefined) ?? 'hang-up'));
    this.channel.close();
    this.report(() => this.init.hooks.finished(this, status, detail));
    this.resolveEnded(status);
  }
}
