// Per-tenant process isolation at run time (DESIGN §3.7). Routing happens at placement: the
// SessionManager asks agentFor(tenant, agent) right after admission reserved the slot, in the
// same synchronous call, so a session goes either to the shared loop or to the tenant's child,
// never both and never neither. A session routed to a child runs a relay agent in the parent:
// the parent's Session (slot, breaker outcome, start/end records, events) is the same object
// as on the shared loop; only its entry forwards to the child. So caps, the breaker, counts and
// the snapshot behave the same in both modes, and switching mode drops nothing: live sessions
// finish where they started, new ones go to the new place.
import {
  ControlError,
  ErrorCodes,
  type RuntimeEvent,
  type SessionRow,
  type TenantSnapshot,
} from '../../protocol/control';
import type { LoadedAgent } from '../agents/registry';
import type { SessionContext } from '../agents/types';
import type { OpenrtcConfig } from '../config/types';
import type { RuntimeLog } from '../log-writer/log';
import type { LateErrorOrigin } from '../session/session';
import { DEFAULT_BACKOFF, type BackoffSettings } from './backoff';
import { defaultChildEntry, type ChildEntry } from './child-entry';
import { TenantProcess } from './tenant-process';

const LOGGER = 'openrtc';

export interface IsolationOptions {
  /** The child program (tests point this at fixtures); default dist/tenant-child.js. */
  childEntry?: ChildEntry;
  startTimeoutMs?: number;
  unresponsiveMs?: number;
  statsIntervalMs?: number;
  backoff?: Partial<BackoffSettings>;
  /** Niceness added to each child (default 5; 0 = same priority as the runtime). */
  niceness?: number;
  /** How long after a session ended its late errors from a child still count (default 60 s). */
  lateErrorWindowMs?: number;
}

export interface IsolationDeps {
  workspaceDir: string;
  config: () => OpenrtcConfig;
  watch: boolean;
  /** How long a session in a child may take to stop after hang-up or cancel. */
  graceMs: number;
  slowThresholdMs: () => number;
  log: RuntimeLog;
  emit: (event: RuntimeEvent) => void;
  /** Whether the runtime knows this tenant (it had sessions, rejections, a cap or a config entry). */
  knownTenant: (tenant: string) => boolean;
  onLateError: (ctx: SessionContext, error: Error, origin: LateErrorOrigin) => void;
  options?: IsolationOptions;
}

export class IsolationManager {
  /** Where each isolated tenant's new sessions go. */
  private readonly routes = new Map<string, TenantProcess>();
  /** Isolations being started (a second isolate of the same tenant waits for the first). */
  private readonly starting = new Map<string, Promise<TenantProcess>>();
  /** Restored tenants' children, finishing their live sessions before they stop. */
  private readonly retiring = new Set<TenantProcess>();
  private readonly sessionProcess = new Map<string, TenantProcess>();
  /** Tenants isolated because openrtc.json says so (a reload that drops them restores them). */
  private configIsolated = new Set<string>();

  constructor(private readonly deps: IsolationDeps) {}

  isIsolated(tenant: string): boolean {
    return this.routes.has(tenant);
  }

  /** Whether a new session of `tenant` would run in a child process (isolated now, or by config). */
  runsInProcess(tenant: string): boolean {
    const config = this.deps.config();
    return (
      this.routes.has(tenant) || (config.isolation === 'process' && config.tenant_isolation[tenant] !== 'coroutine')
    );
  }

  isolatedTenants(): string[] {
    return [...this.routes.keys()].sort();
  }

  /** The agent a just-admitted session of `tenant` runs: the agent itself, or a relay to the tenant's child. */
  agentFor(tenant: string, agent: LoadedAgent): LoadedAgent {
    const proc = this.routes.get(tenant) ?? this.poolProcess(tenant);
    if (!proc) return agent;
    const entry = (ctx: SessionContext): Promise<void> => {
      this.sessionProcess.set(ctx.sessionId, proc);
      return proc.run(ctx, agent.name, this.deps.graceMs);
    };
    return { ...agent, definition: { name: agent.name, entry } };
  }

  /** The parent's Session ended: drop the routing record (and any wait on a stuck child). */
  forgetSession(sessionId: string): void {
    this.sessionProcess.get(sessionId)?.forget(sessionId);
    this.sessionProcess.delete(sessionId);
  }

  async isolate(tenant: string): Promise<void> {
    if (this.routes.has(tenant)) return;
    if (!this.deps.knownTenant(tenant)) {
      throw new ControlError(
        ErrorCodes.UnknownTenant,
        `isolateTenant: unknown tenant '${tenant}': it has had no sessions and is not in openrtc.json (isolate it after its first call, or list it under tenant_isolation)`,
      );
    }
    const pending = this.starting.get(tenant) ?? this.startProcess(tenant);
    this.starting.set(tenant, pending);
    try {
      await pending;
    } finally {
      this.starting.delete(tenant);
    }
  }

  /** Switches new sessions back to the shared loop at once; the child stops once its live sessions end. */
  restore(tenant: string): void {
    const proc = this.routes.get(tenant);
    if (!proc) {
      const isolated = this.isolatedTenants();
      throw new ControlError(
        ErrorCodes.NotIsolated,
        `restoreTenant: tenant '${tenant}' is not isolated (isolated: ${isolated.length ? isolated.join(', ') : 'none'})`,
      );
    }
    this.routes.delete(tenant);
    this.retiring.add(proc);
    const live = proc.liveSessions;
    this.logLine(
      'info',
      `[isolation] tenant '${tenant}' restored: new sessions run on the shared loop; ${live} live session(s) finish in its process (pid ${proc.pid}), which then stops`,
    );
    this.deps.emit({ type: 'tenant_restored', ts: new Date().toISOString(), tenant });
    void proc.drained().then(() => {
      if (!this.retiring.delete(proc)) return;
      proc.stop();
      this.logLine('info', `[isolation] tenant '${tenant}' process (pid ${proc.pid}) drained and stopped`);
    });
  }

  /** openrtc.json's tenant_isolation at start and on reload: isolate new 'process' entries, restore dropped ones. */
  async applyConfig(config: OpenrtcConfig): Promise<void> {
    const wanted = new Set(
      Object.entries(config.tenant_isolation)
        .filter(([, m]) => m === 'process')
        .map(([t]) => t),
    );
    for (const t of this.configIsolated) if (!wanted.has(t) && this.routes.has(t)) this.restore(t);
    this.configIsolated = wanted;
    for (const t of wanted) {
      try {
        await this.isolate(t);
      } catch (err) {
        this.logLine('error', `[config] tenant_isolation.${t}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  setThreshold(ms: number): void {
    for (const p of this.processes()) p.setThreshold(ms);
  }

  /** Session rows of sessions running in a child: isolation, the child's CPU/blocked view, the child's RSS shared by its sessions. */
  decorateRows(rows: SessionRow[]): SessionRow[] {
    return rows.map((row) => {
      const proc = this.sessionProcess.get(row.session_id);
      if (!proc) return row;
      const view = proc.sessionView(row.session_id);
      const rss = proc.rssMb();
      const slow = view?.slow === true && (row.status === 'active' || row.status === 'starting');
      return {
        ...row,
        status: slow ? 'slow' : row.status,
        isolation: 'process',
        cpu_pct: view?.cpu_pct ?? 0,
        blocked_ms_last: view?.blocked_ms_last ?? null,
        blocked_frames: view?.blocked_frames ?? null,
        mem_mb: rss === null ? 0 : Math.round((rss / Math.max(1, proc.liveSessions)) * 100) / 100,
      };
    });
  }

  decorateTenant(tenant: string, snap: TenantSnapshot, rows: SessionRow[]): TenantSnapshot {
    const proc = this.routes.get(tenant);
    const slow = rows.filter((r) => r.tenant === tenant && r.status === 'slow').length;
    if (!proc) return { ...snap, slow_sessions: slow };
    return { ...snap, isolation: 'process', slow_sessions: slow, process: proc.info() };
  }

  /** Runtime stop: every child goes (its sessions were cancelled by the runtime first). */
  stopAll(): void {
    for (const p of this.processes()) p.stop();
    this.routes.clear();
    this.retiring.clear();
  }

  // ---- internals ------------------------------------------------------------------------

  private async startProcess(tenant: string): Promise<TenantProcess> {
    const proc = this.create(tenant);
    try {
      await proc.start();
    } catch (err) {
      throw new ControlError(
        ErrorCodes.IsolationFailed,
        `isolateTenant: ${err instanceof Error ? err.message : String(err)}; tenant '${tenant}' stays on the shared loop`,
      );
    }
    this.routes.set(tenant, proc);
    this.logLine(
      'info',
      `[isolation] tenant '${tenant}' isolated: new sessions run in process pid ${proc.pid}; its live sessions finish on the shared loop`,
    );
    this.deps.emit({ type: 'tenant_isolated', ts: new Date().toISOString(), tenant, pid: proc.pid });
    return proc;
  }

  /** Pool-wide `isolation: "process"`: a tenant not pinned to coroutine gets its child on its first session. */
  private poolProcess(tenant: string): TenantProcess | undefined {
    const config = this.deps.config();
    if (config.isolation !== 'process' || config.tenant_isolation[tenant] === 'coroutine') return undefined;
    const proc = this.create(tenant);
    this.routes.set(tenant, proc);
    this.deps.emit({ type: 'tenant_isolated', ts: new Date().toISOString(), tenant, pid: null });
    proc.start().then(
      () => this.logLine('info', `[isolation] tenant '${tenant}' runs in process pid ${proc.pid} (isolation: process)`),
      (err: unknown) => {
        // Its waiting sessions failed with the reason; the next session tries again.
        if (this.routes.get(tenant) === proc) this.routes.delete(tenant);
        this.logLine('error', `[isolation] ${err instanceof Error ? err.message : String(err)}`);
      },
    );
    return proc;
  }

  private create(tenant: string): TenantProcess {
    const o = this.deps.options ?? {};
    const config = this.deps.config();
    return new TenantProcess({
      init: {
        workspaceDir: this.deps.workspaceDir,
        tenant,
        agents: config.agents,
        slowThresholdMs: this.deps.slowThresholdMs(),
        watch: this.deps.watch,
        statsIntervalMs: o.statsIntervalMs ?? 500,
      },
      entry: o.childEntry ?? defaultChildEntry(),
      startTimeoutMs: o.startTimeoutMs ?? 15_000,
      unresponsiveMs: o.unresponsiveMs ?? 10_000,
      memoryLimitMb: () => this.deps.config().tenant_memory_limit_mb,
      backoff: { ...DEFAULT_BACKOFF, ...o.backoff },
      niceness: o.niceness ?? 5,
      lateErrorWindowMs: o.lateErrorWindowMs ?? 60_000,
      log: (level, message, excInfo) => this.deps.log.write(level, null, LOGGER, message, excInfo),
      writeRecord: (r) => {
        const scope =
          r.session_id !== null && r.tenant !== null && r.agent_name !== null
            ? { sessionId: r.session_id, tenant: r.tenant, agentName: r.agent_name }
            : null;
        this.deps.log.write(r.level, scope, r.logger, r.message, r.exc_info);
      },
      onBlock: (r) => this.deps.emit({ type: 'slow_session', ts: new Date().toISOString(), ...r }),
      onLateError: (ctx, error, origin) => this.deps.onLateError(ctx, error, origin),
    });
  }

  private processes(): TenantProcess[] {
    return [...this.routes.values(), ...this.retiring];
  }

  private logLine(level: 'info' | 'warn' | 'error', message: string): void {
    this.deps.log.write(level, null, LOGGER, message);
  }
}
