// A Python OpenRTC worker's top.sock payload ({"worker": {...}, "sessions": [...]}, one JSON
// line) mapped onto our snapshot shape, so the tree shows it like any runtime. Python's top
// knows no breakers, caps or rejections: those read as "unknown" (breaker disabled, no cap).
import type { RuntimeSnapshot, SessionRow, SessionStatus, TenantSnapshot } from '../../protocol/control';

export type PythonTopResult = { ok: true; snapshot: RuntimeSnapshot; workerName: string } | { ok: false; error: string };

const STATUSES: readonly SessionStatus[] = ['starting', 'active', 'slow', 'draining', 'ended', 'failed', 'cancelled'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const num = (v: unknown, fallback = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const str = (v: unknown, fallback: string): string => (typeof v === 'string' ? v : fallback);

export function parsePythonTop(line: string, nowMs: number, source: string): PythonTopResult {
  let payload: unknown;
  try {
    payload = JSON.parse(line);
  } catch (err) {
    return { ok: false, error: `${source}: the Python OpenRTC socket sent a line that is not JSON (${(err as Error).message}).` };
  }
  if (!isRecord(payload) || !isRecord(payload.worker) || !Array.isArray(payload.sessions)) {
    return {
      ok: false,
      error: `${source}: expected {"worker": {...}, "sessions": [...]} from a Python OpenRTC top.sock; got ${Array.isArray(payload) ? 'a bare list (an older OpenRTC)' : typeof payload}.`,
    };
  }
  const worker = payload.worker;
  const sessions: SessionRow[] = [];
  payload.sessions.forEach((raw, index) => {
    if (!isRecord(raw) || typeof raw.session_id !== 'string') return; // Python's own top skips these too
    const duration = num(raw.duration_s);
    const status = STATUSES.find((s) => s === raw.status) ?? 'active';
    sessions.push({
      session_id: raw.session_id,
      agent_name: str(raw.agent_name, '?'),
      tenant: typeof raw.tenant === 'string' && raw.tenant ? raw.tenant : 'default',
      status,
      duration_s: duration,
      cpu_pct: num(raw.cpu_pct),
      mem_mb: num(raw.mem_mb),
      blocked_ms_last: null,
      blocked_frames: null,
      started_at: new Date(nowMs - duration * 1000 - index).toISOString(),
      isolation: 'coroutine',
    });
  });
  const tenants: Record<string, TenantSnapshot> = {};
  const byAgent: Record<string, number> = {};
  for (const row of sessions) {
    const t = (tenants[row.tenant] ??= {
      active: 0,
      cap: null,
      failures: 0,
      started: 0,
      rejections_by_reason: {},
      breaker: { enabled: false, state: 'closed', failures: 0, samples: 0, retry_at: null, cooldown_s: 0, times_opened: 0 },
      isolation: 'coroutine',
      slow_sessions: 0,
    });
    t.active += 1;
    if (row.status === 'slow') t.slow_sessions += 1;
    byAgent[row.agent_name] = (byAgent[row.agent_name] ?? 0) + 1;
  }
  const byTenant = Object.fromEntries(Object.entries(tenants).map(([k, t]) => [k, t.active]));
  const system = isRecord(worker.system) ? worker.system : {};
  return {
    ok: true,
    workerName: str(worker.name, 'python worker'),
    snapshot: {
      timestamp: nowMs / 1000,
      uptime_seconds: num(worker.uptime_s),
      registered_agents: Object.keys(byAgent).length,
      active_sessions: num(worker.active_sessions, sessions.length),
      total_sessions_started: num(worker.started),
      total_session_failures: num(worker.failed),
      last_error: null,
      sessions_by_agent: byAgent,
      sessions_by_tenant: byTenant,
      max_concurrent_sessions: num(worker.max_sessions),
      tenants,
      loop_lag: { p50_ms: 0, p99_ms: 0, max_ms: 0 },
      rss_mb: num(system.mem_used_bytes) / (1024 * 1024),
      draining: worker.draining === true,
      sessions,
    },
  };
}
