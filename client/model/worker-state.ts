// One worker's live state: the last snapshot, corrected by the events that arrived since.
// Events are applied optimistically; the next snapshot is the authority and replaces it all.
import type { RuntimeEvent, RuntimeSnapshot, SessionRow, TenantSnapshot } from '../../protocol/control';
import { unknownTenant } from '../../protocol/placeholders';

export type WorkerKind = 'bundled' | 'attached' | 'python';
export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

export interface WorkerState {
  /** Stable id (the socket path): tree ids derive from it, so they survive reconnects. */
  id: string;
  label: string;
  kind: WorkerKind;
  connection: ConnectionState;
  /** Why the worker is disconnected, for the tooltip and the status bar. */
  problem: string | null;
  /** Worker-wide figures from the last snapshot (sessions and tenants live in the maps). */
  summary: Omit<RuntimeSnapshot, 'sessions' | 'tenants'> | null;
  tenants: Map<string, TenantSnapshot>;
  sessions: Map<string, SessionRow>;
  /** The same rows by tenant, each in start order, so a tenant's children cost its own sessions. */
  sessionsByTenant: Map<string, Map<string, SessionRow>>;
}

export function emptyWorker(id: string, label: string, kind: WorkerKind): WorkerState {
  return {
    id,
    label,
    kind,
    connection: 'connecting',
    problem: null,
    summary: null,
    tenants: new Map(),
    sessions: new Map(),
    sessionsByTenant: new Map(),
  };
}

export function applySnapshot(worker: WorkerState, snapshot: RuntimeSnapshot): void {
  const { sessions, tenants, ...summary } = snapshot;
  worker.summary = summary;
  worker.tenants = new Map(Object.entries(tenants));
  worker.sessions = new Map(sessions.map((row) => [row.session_id, row]));
  worker.sessionsByTenant = new Map();
  for (const row of [...sessions].sort(byStartThenId)) tenantSessions(worker, row.tenant).set(row.session_id, row);
  worker.connection = 'connected';
  worker.problem = null;
}

export function byStartThenId(a: SessionRow, b: SessionRow): number {
  if (a.started_at !== b.started_at) return a.started_at < b.started_at ? -1 : 1;
  return a.session_id < b.session_id ? -1 : a.session_id > b.session_id ? 1 : 0;
}

function tenantSessions(worker: WorkerState, tenant: string): Map<string, SessionRow> {
  let rows = worker.sessionsByTenant.get(tenant);
  if (!rows) {
    rows = new Map();
    worker.sessionsByTenant.set(tenant, rows);
  }
  return rows;
}

/** A tenant first heard of through an event: zeros until the next snapshot fills it in. */
function tenantOf(worker: WorkerState, tenant: string): TenantSnapshot {
  let t = worker.tenants.get(tenant);
  if (!t) {
    t = unknownTenant();
    worker.tenants.set(tenant, t);
  }
  return t;
}

function endSession(worker: WorkerState, sessionId: string, tenant: string): void {
  const rows = worker.sessionsByTenant.get(tenant);
  if (rows?.delete(sessionId) && rows.size === 0) worker.sessionsByTenant.delete(tenant);
  if (worker.sessions.delete(sessionId)) {
    const t = tenantOf(worker, tenant);
    t.active = Math.max(0, t.active - 1);
    if (worker.summary) worker.summary.active_sessions = Math.max(0, worker.summary.active_sessions - 1);
  }
}

/**
 * Applies one event. Returns the tenant whose node changed (null: only worker-level figures did),
 * so the view can refresh just that part of the tree.
 */
export function applyEvent(worker: WorkerState, event: RuntimeEvent): string | null {
  switch (event.type) {
    case 'session_started': {
      const t = tenantOf(worker, event.tenant);
      if (!worker.sessions.has(event.session_id)) {
        t.active += 1;
        t.started += 1;
        if (worker.summary) {
          worker.summary.active_sessions += 1;
          worker.summary.total_sessions_started += 1;
        }
      }
      const row: SessionRow = {
        session_id: event.session_id,
        agent_name: event.agent_name,
        tenant: event.tenant,
        status: 'active',
        duration_s: 0,
        cpu_pct: 0,
        mem_mb: 0,
        blocked_ms_last: null,
        blocked_frames: null,
        started_at: event.ts,
        isolation: t.isolation,
      };
      worker.sessions.set(event.session_id, row);
      // Events arrive in start order, so appending keeps the tenant's rows sorted.
      tenantSessions(worker, event.tenant).set(event.session_id, row);
      return event.tenant;
    }
    case 'session_ended':
    case 'session_cancelled':
      endSession(worker, event.session_id, event.tenant);
      return event.tenant;
    case 'session_failed': {
      endSession(worker, event.session_id, event.tenant);
      tenantOf(worker, event.tenant).failures += 1;
      if (worker.summary) {
        worker.summary.total_session_failures += 1;
        worker.summary.last_error = event.error;
      }
      return event.tenant;
    }
    case 'rejected': {
      const rejections = tenantOf(worker, event.tenant).rejections_by_reason;
      rejections[event.reason] = (rejections[event.reason] ?? 0) + 1;
      return event.tenant;
    }
    case 'breaker_opened': {
      const b = tenantOf(worker, event.tenant).breaker;
      b.enabled = true;
      b.state = 'open';
      b.failures = event.failures;
      b.samples = event.samples;
      b.cooldown_s = event.cooldown_s;
      b.retry_at = new Date(Date.parse(event.ts) + event.cooldown_s * 1000).toISOString();
      b.times_opened += 1;
      return event.tenant;
    }
    case 'breaker_half_open': {
      const b = tenantOf(worker, event.tenant).breaker;
      b.state = 'half_open';
      b.retry_at = null;
      return event.tenant;
    }
    case 'breaker_closed': {
      const b = tenantOf(worker, event.tenant).breaker;
      b.state = 'closed';
      b.retry_at = null;
      return event.tenant;
    }
    case 'slow_session': {
      if (event.session_id === null || event.tenant === null) return null;
      const row = worker.sessions.get(event.session_id);
      if (!row) return event.tenant;
      if (row.status !== 'slow') tenantOf(worker, event.tenant).slow_sessions += 1;
      row.status = 'slow';
      row.blocked_ms_last = event.blocked_ms;
      row.blocked_frames = event.frames;
      return event.tenant;
    }
    case 'tenant_isolated':
      tenantOf(worker, event.tenant).isolation = 'process';
      return event.tenant;
    case 'tenant_restored':
      tenantOf(worker, event.tenant).isolation = 'coroutine';
      return event.tenant;
    case 'draining':
      if (worker.summary) worker.summary.draining = true;
      return null;
    case 'config_reloaded':
    case 'agent_reloaded':
      return null;
  }
}
