// Places sessions through admission, runs them, and keeps the books: per-tenant counts, the
// breaker's outcomes, start/end log records (exactly one of each per session) and events.
import { randomBytes } from 'node:crypto';
import { noFoldedTenants, type FoldedTenants, type RuntimeEvent, type StartCallsParams } from '../../protocol/control';
import type { AgentRegistry, LoadedAgent } from '../agents/registry';
import { CallChannel } from '../caller/channel';
import { driveCall, type CallScript } from '../caller/local-caller';
import type { CallAttempt } from '../caller/load';
import { resolveTenantConfig } from '../config/secrets';
import type { OpenrtcConfig } from '../config/types';
import type { EventBus } from '../events/event-bus';
import { describeError, errorSummary, type RuntimeLog } from '../log-writer/log';
import type { Admission, AdmissionResult, Slot } from '../policy/admission';
import type { TenantBreakers } from '../policy/breaker';
import type { FleetVerdict } from '../fleet/fleet-policy';
import { isoTime, type Clock } from '../policy/clock';
import { requestedTenant } from '../policy/tenant-id';
import { Session, type FinalStatus, type LateErrorOrigin } from '../session/session';
import { addRejections, TenantRetention } from './tenant-retention';

/** Told how a session ended: its status and, when it failed, the error's one-line summary. */
export type SessionEndListener = (status: FinalStatus, error: string | null) => void;

export interface TenantCounters {
  started: number;
  failures: number;
}

export interface SessionManagerDeps {
  admission: Admission;
  breakers: TenantBreakers;
  registry: AgentRegistry;
  log: RuntimeLog;
  bus: EventBus;
  clock: Clock;
  config: () => OpenrtcConfig;
  env: NodeJS.ProcessEnv;
  /** Called when a session ends, so loop attribution can drop its marks. */
  onSessionGone?: (sessionId: string) => void;
  /** Process isolation (runtime/isolation): the agent an admitted session runs, e.g. a relay to its tenant's child. */
  agentFor?: (tenant: string, agent: LoadedAgent) => LoadedAgent;
  /** Tenants whose counters are kept (see tenant-retention.ts). */
  retainedTenants: number;
  /** A tenant that must never be folded, however long idle. */
  tenantInUse: (tenant: string) => boolean;
  /** Fleet mode (runtime/fleet): the lease every locally admitted session must also get. */
  fleet?: FleetGate;
}

/** The fleet's part of admission: asked after the local slot is taken, told when it is given back. */
export interface FleetGate {
  acquire(slot: Slot): Promise<FleetVerdict>;
  release(slot: Slot): void;
}

const RUNTIME_LOGGER = 'openrtc';
/** Random per process, then a process-wide counter: unique without a syscall per session. The
 *  counter has a fixed width, so no id is the start of another: grepping a raw log for one
 *  session's id finds that session only (SES_…1 would also match SES_…1a). */
const SESSION_ID_PREFIX = randomBytes(4).toString('hex');
let sessionCounter = 0;

export class SessionManager {
  readonly live = new Map<string, Session>();
  /** Sessions this manager created (another Runtime in the same process has its own). */
  private readonly owned = new WeakSet<Session>();
  private readonly endListeners = new Map<Session, SessionEndListener>();
  readonly tenants = new Map<string, TenantCounters>();
  private readonly folded = noFoldedTenants();
  private readonly retention: TenantRetention;
  totalStarted = 0;
  totalFailures = 0;
  lastError: string | null = null;

  constructor(private readonly deps: SessionManagerDeps) {
    this.retention = new TenantRetention(deps.retainedTenants, deps.tenantInUse, (tenant) => this.foldTenant(tenant));
  }

  foldedTenants(): FoldedTenants {
    return { ...this.folded, rejections_by_reason: { ...this.folded.rejections_by_reason } };
  }

  private foldTenant(tenant: string): void {
    const counts = this.tenants.get(tenant);
    this.tenants.delete(tenant);
    this.folded.tenants++;
    this.folded.started += counts?.started ?? 0;
    this.folded.failures += counts?.failures ?? 0;
    const rejections = this.deps.admission.takeRejections(tenant);
    addRejections(this.folded.rejections_by_reason, rejections);
    // Why the tenant left the snapshot, under `logs --tenant`: its counts now live in folded_tenants.
    const rejected = Object.values(rejections).reduce((n, k) => n + (k ?? 0), 0);
    this.deps.log.write(
      'info',
      { tenant },
      RUNTIME_LOGGER,
      `tenant folded while idle (started=${counts?.started ?? 0} failures=${counts?.failures ?? 0} rejected=${rejected}): its counts move to folded_tenants`,
    );
  }

  /** One call: admission, then (if admitted) the session runs and the caller script drives it. */
  async place(agentName: string, metadata: Record<string, unknown>, script: CallScript): Promise<CallAttempt> {
    const decision = await this.reserve(agentName, metadata);
    if (!decision.ok) return { admitted: false, reason: decision.reason };
    return this.startReserved(decision.slot, metadata, (session) => driveCall(session, script));
  }

  /**
   * Admission alone: the slot is taken (caps stay exact) and the session starts later with
   * startReserved, or the slot is given back with release(). A refusal is logged and
   * emitted here, once. LiveKit worker mode reserves at the availability answer (issue 17).
   */
  async reserve(agentName: string, metadata: Record<string, unknown>): Promise<AdmissionResult> {
    const { admission, log } = this.deps;
    let decision = admission.admit({ tenant: requestedTenant(metadata), agent: agentName });
    const tenant = decision.ok ? decision.slot.tenant : decision.tenant;
    if (tenant !== null) this.retention.touch(tenant);
    if (decision.ok && this.deps.fleet) decision = await this.fleetLease(decision.slot, this.deps.fleet);
    if (!decision.ok) {
      // A record of the tenant (when the id is valid): its rejections show under `logs --tenant` and can be counted from the log.
      log.write(
        'info',
        decision.tenant === null ? null : { tenant: decision.tenant },
        RUNTIME_LOGGER,
        decision.message,
      );
      this.emit({
        type: 'rejected',
        ts: isoTime(this.deps.clock),
        tenant: decision.tenant ?? '',
        agent_name: agentName,
        reason: decision.reason,
        detail: decision.message,
      });
    }
    return decision;
  }

  /** Gives a reserved slot back (a reservation that was never used); a session's own end does this itself. */
  release(slot: Slot): void {
    this.deps.admission.release(slot);
    this.deps.fleet?.release(slot);
  }

  /** The fleet's lease for a slot local admission took; on a refusal the local slot (and probe) go back. */
  private async fleetLease(slot: Slot, fleet: FleetGate): Promise<AdmissionResult> {
    const verdict = await fleet.acquire(slot);
    if (verdict.ok) return { ok: true, slot };
    this.deps.admission.release(slot);
    if (slot.probe) this.deps.breakers.releaseProbe(slot.tenant);
    return this.deps.admission.refused(slot.tenant, verdict.reason, verdict.message);
  }

  /** Runs a session in a slot reserve() took; `drive` decides when it ends (a caller script, a LiveKit job). */
  startReserved(
    slot: Slot,
    metadata: Record<string, unknown>,
    drive: (session: Session) => Promise<FinalStatus>,
    onEnd?: SessionEndListener,
  ): CallAttempt {
    const { log } = this.deps;
    const agentName = slot.agent;
    const agent = this.deps.registry.get(agentName);
    if (!agent) {
      // Admission checked the name in the same tick; only a bug gets here.
      this.release(slot);
      return { admitted: false, reason: 'unknown_agent' };
    }
    const sessionId = `SES_${SESSION_ID_PREFIX}${(++sessionCounter).toString(36).padStart(6, '0')}`;
    let tenantConfig: Readonly<Record<string, unknown>> = {};
    let configError: unknown;
    try {
      tenantConfig = resolveTenantConfig(slot.tenant, this.deps.config().tenant_config[slot.tenant], this.deps.env);
    } catch (err) {
      configError = err;
    }
    const scope = { sessionId, tenant: slot.tenant, agentName: agent.name };
    const session = new Session({
      sessionId,
      tenant: slot.tenant,
      agent: this.deps.agentFor?.(slot.tenant, agent) ?? agent,
      metadata,
      tenantConfig,
      slot,
      channel: new CallChannel((speaker, text) => log.write('info', scope, 'call', `${speaker}: ${text}`)),
      log: log.scoped(scope, `agent.${agent.name}`),
      clock: this.deps.clock,
      healthyAfterMs: this.deps.config().tenant_circuit_success_after_s * 1000,
      hooks: {
        outcome: (s, ok, late) => this.deps.breakers.record(s.tenant, ok, s.slot.probe && !late),
        finished: (s, status, detail) => this.finished(s, status, detail),
        lateError: (s, error, origin, counted) => this.lateError(s, error, origin, counted),
      },
    });
    this.live.set(sessionId, session);
    this.owned.add(session);
    this.totalStarted++;
    this.counters(slot.tenant).started++;
    log.write(
      'info',
      scope,
      RUNTIME_LOGGER,
      `session started (agent=${agent.name} tenant=${slot.tenant}${slot.probe ? ' probe' : ''})`,
    );
    this.emit({
      type: 'session_started',
      ts: isoTime(this.deps.clock),
      session_id: sessionId,
      tenant: slot.tenant,
      agent_name: agent.name,
    });
    if (onEnd) this.endListeners.set(session, onEnd);
    if (configError !== undefined) session.fail(configError);
    else session.start();
    const ended = session.finished ? session.ended : drive(session);
    return { admitted: true, sessionId, ended };
  }

  /** Containment (or an isolated child's report): an error escaped code running in `session`'s scope. */
  sessionError(session: Session, error: unknown, origin: LateErrorOrigin): void {
    if (this.owned.has(session)) session.fail(error, origin);
  }

  cancel(sessionId: string, graceMs: number): boolean {
    const s = this.live.get(sessionId);
    if (!s) return false;
    s.cancel('cancelled', graceMs);
    return true;
  }

  /** Waits for live sessions to end; after `timeoutMs` aborts the rest (reason drain). */
  async drainAll(timeoutMs: number, graceMs: number): Promise<void> {
    for (const s of this.live.values()) s.markDraining();
    const all = (): Promise<unknown> => Promise.all([...this.live.values()].map((s) => s.ended));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all(), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
    for (const s of this.live.values()) s.cancel('drain', graceMs);
    await all();
  }

  counters(tenant: string): TenantCounters {
    let c = this.tenants.get(tenant);
    if (!c) {
      c = { started: 0, failures: 0 };
      this.tenants.set(tenant, c);
      // A tenant folded while idle gets an entry again when code its session left behind
      // fails late: it rejoins the recency list, so it is folded again once it is old.
      this.retention.touch(tenant);
    }
    return c;
  }

  /** An error after the session ended: always recorded; the one that makes it a failure also counted. */
  private lateError(session: Session, error: unknown, origin: LateErrorOrigin, counted: boolean): void {
    const scope = { sessionId: session.id, tenant: session.tenant, agentName: session.agent.name };
    this.deps.log.write(
      'error',
      scope,
      RUNTIME_LOGGER,
      `${origin} after the session ended: ${errorSummary(error)}`,
      this.excInfo(error),
    );
    if (counted) {
      this.totalFailures++;
      this.counters(session.tenant).failures++;
    }
  }

  private finished(session: Session, status: FinalStatus, detail: { error?: unknown; reason?: string }): void {
    this.release(session.slot);
    const onEnd = this.endListeners.get(session);
    this.endListeners.delete(session);
    if (!session.outcomeDecided) this.deps.breakers.releaseProbe(session.tenant);
    this.live.delete(session.id);
    this.deps.onSessionGone?.(session.id);
    const scope = { sessionId: session.id, tenant: session.tenant, agentName: session.agent.name };
    const base = {
      ts: isoTime(this.deps.clock),
      session_id: session.id,
      tenant: session.tenant,
      agent_name: session.agent.name,
    };
    const durationS = round3((this.deps.clock.now() - session.startedAtMs) / 1000);
    if (status === 'failed') {
      const summary = errorSummary(detail.error);
      this.totalFailures++;
      this.counters(session.tenant).failures++;
      this.lastError = summary;
      this.deps.log.write(
        'error',
        scope,
        RUNTIME_LOGGER,
        `session failed after ${durationS}s: ${summary}`,
        this.excInfo(detail.error),
      );
      this.emit({ type: 'session_failed', ...base, error: summary });
    } else if (status === 'cancelled') {
      const reason = detail.reason ?? 'cancelled';
      this.deps.log.write('info', scope, RUNTIME_LOGGER, `session cancelled after ${durationS}s (reason=${reason})`);
      this.emit({ type: 'session_cancelled', ...base, reason });
    } else {
      this.deps.log.write('info', scope, RUNTIME_LOGGER, `session ended after ${durationS}s`);
      this.emit({ type: 'session_ended', ...base, duration_s: durationS });
    }
    onEnd?.(status, status === 'failed' ? errorSummary(detail.error) : null);
  }

  private excInfo(error: unknown): string {
    return this.deps.registry.mapStack(describeError(error));
  }

  private emit(event: RuntimeEvent): void {
    this.deps.bus.emit(event);
  }
}

/** The caller script a StartCallsParams asks for. */
export function scriptFromParams(p: StartCallsParams, base: CallScript): CallScript {
  return {
    ...base,
    turns: p.say ?? [],
    thinkMs: p.think_ms ?? base.thinkMs,
    replyTimeoutMs: p.reply_timeout_ms ?? base.replyTimeoutMs,
  };
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
