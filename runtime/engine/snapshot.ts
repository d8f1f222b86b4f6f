// runtimeSnapshot(): OpenRTC's fields plus per-tenant detail and session rows (DESIGN §3.5).
import type { LoopLag, RuntimeSnapshot, SessionRow, TenantSnapshot } from '../../protocol/control';
import type { AgentRegistry } from '../agents/registry';
import type { SessionAttribution } from '../loop-health/attribution-seam';
import type { Admission } from '../policy/admission';
import type { BreakerGate } from '../policy/breaker';
import type { Clock } from '../policy/clock';
import type { Session } from '../session/session';
import type { SessionManager } from './session-manager';

export interface SnapshotSources {
  clock: Clock;
  startedAtMs: number;
  manager: SessionManager;
  admission: Admission;
  breakers: BreakerGate;
  registry: AgentRegistry;
  attribution: SessionAttribution | null;
  loopLag: () => LoopLag;
}

const MB = 1024 * 1024;

export function sessionRows(src: SnapshotSources): SessionRow[] {
  const live = [...src.manager.live.values()];
  // Shared process: an equal share of RSS per session, labelled an estimate in the protocol.
  const memShare = live.length > 0 ? round2(process.memoryUsage.rss() / MB / live.length) : 0;
  return live.map((s) => sessionRow(src, s, memShare));
}

function sessionRow(src: SnapshotSources, s: Session, memMb: number): SessionRow {
  const loop = src.attribution?.sessionState(s.id);
  const status = loop?.slow && (s.status === 'active' || s.status === 'starting') ? 'slow' : s.status;
  return {
    session_id: s.id,
    agent_name: s.agent.name,
    tenant: s.tenant,
    status,
    duration_s: round2((src.clock.now() - s.startedAtMs) / 1000),
    cpu_pct: loop?.cpu_pct ?? 0,
    mem_mb: memMb,
    blocked_ms_last: loop?.blocked_ms_last ?? null,
    blocked_frames: loop?.blocked_frames ?? null,
    started_at: new Date(s.startedAtWall).toISOString(),
    isolation: 'coroutine',
  };
}

export function tenantSnapshot(src: SnapshotSources, tenant: string, rows?: SessionRow[]): TenantSnapshot {
  const counters = src.manager.tenants.get(tenant);
  return {
    active: src.admission.activeForTenant(tenant),
    cap: src.admission.tenantCap(tenant),
    failures: counters?.failures ?? 0,
    started: counters?.started ?? 0,
    rejections_by_reason: src.admission.rejectionsFor(tenant),
    breaker: src.breakers.snapshot(tenant),
    isolation: 'coroutine',
    slow_sessions: (rows ?? []).filter((r) => r.tenant === tenant && r.status === 'slow').length,
  };
}

export function buildSnapshot(src: SnapshotSources, draining: boolean, withSessions = true): RuntimeSnapshot {
  const rows = sessionRows(src);
  const names = new Set([
    ...src.manager.tenants.keys(),
    ...src.admission.knownTenants(),
    ...src.breakers.trackedTenants(),
  ]);
  const tenants: Record<string, TenantSnapshot> = {};
  for (const t of [...names].sort()) tenants[t] = tenantSnapshot(src, t, rows);
  return {
    timestamp: src.clock.wallTime() / 1000,
    uptime_seconds: round2((src.clock.now() - src.startedAtMs) / 1000),
    registered_agents: src.registry.names().length,
    active_sessions: src.admission.activeTotal(),
    total_sessions_started: src.manager.totalStarted,
    total_session_failures: src.manager.totalFailures,
    last_error: src.manager.lastError,
    sessions_by_agent: Object.fromEntries(src.admission.activeAgents()),
    sessions_by_tenant: Object.fromEntries(src.admission.activeTenants()),
    max_concurrent_sessions: src.admission.maxConcurrentSessions,
    tenants,
    folded_tenants: src.manager.foldedTenants(),
    loop_lag: src.loopLag(),
    rss_mb: round2(process.memoryUsage.rss() / MB),
    draining,
    sessions: withSessions ? rows : [],
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
