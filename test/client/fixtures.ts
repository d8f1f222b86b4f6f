// Builders for protocol-shaped snapshots used by the client's unit tests and the tree benchmark.
import { noFoldedTenants, type RuntimeSnapshot, type SessionRow, type TenantSnapshot } from '../../protocol/control';
import { unknownBreaker, unknownTenant } from '../../protocol/placeholders';

export function tenant(overrides: Partial<TenantSnapshot> = {}): TenantSnapshot {
  return { ...unknownTenant(), breaker: { ...unknownBreaker(), enabled: true }, ...overrides };
}

export function session(id: string, tenantName: string, overrides: Partial<SessionRow> = {}): SessionRow {
  return {
    session_id: id,
    agent_name: 'reception',
    tenant: tenantName,
    status: 'active',
    duration_s: 1,
    cpu_pct: 0.5,
    mem_mb: 12,
    blocked_ms_last: null,
    blocked_frames: null,
    started_at: '2026-11-29T12:00:00.000Z',
    isolation: 'coroutine',
    ...overrides,
  };
}

export function snapshot(tenants: Record<string, TenantSnapshot>, sessions: SessionRow[] = []): RuntimeSnapshot {
  const byTenant: Record<string, number> = {};
  for (const s of sessions) byTenant[s.tenant] = (byTenant[s.tenant] ?? 0) + 1;
  return {
    timestamp: Date.parse('2026-11-29T12:00:10.000Z') / 1000,
    uptime_seconds: 10,
    registered_agents: 1,
    active_sessions: sessions.length,
    total_sessions_started: sessions.length,
    total_session_failures: 0,
    last_error: null,
    sessions_by_agent: { reception: sessions.length },
    sessions_by_tenant: byTenant,
    max_concurrent_sessions: 50,
    tenants,
    folded_tenants: noFoldedTenants(),
    loop_lag: { p50_ms: 1, p99_ms: 4, max_ms: 9 },
    rss_mb: 80,
    draining: false,
    sessions,
  };
}
