// Interop with a Python OpenRTC worker's `top.sock`: it writes one JSON line
// `{"worker": {...}, "sessions": [...]}` per connection and closes. This maps that payload
// onto our RuntimeSnapshot shape so the CLI and the extension can show either kind of worker.
// What the Python worker does not report (loop lag, per-tenant caps and breakers) is listed in
// `unknown` instead of being passed off as real zeros.
import {
  noFoldedTenants,
  type RuntimeSnapshot,
  type SessionRow,
  type SessionStatus,
  type TenantSnapshot,
} from './control';
import { unknownTenant } from './placeholders';
import { DEFAULT_TENANT } from './tenant-id';
import { messageOf } from './errors';

export interface PythonWorkerStats {
  name: string;
  uptime_s: number;
  active_sessions: number;
  max_sessions: number;
  started: number;
  failed: number;
  draining: boolean;
}

export interface PythonTopSnapshot {
  snapshot: RuntimeSnapshot;
  worker: PythonWorkerStats;
  /** Snapshot fields the Python worker does not report; they hold placeholders (0, null, closed). */
  unknown: string[];
}

export class PythonPayloadError extends Error {
  constructor(message: string) {
    super(`python top.sock payload: ${message}`);
    this.name = 'PythonPayloadError';
  }
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function num(obj: Json, key: string, where: string): number {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new PythonPayloadError(`${where}.${key} is not a number`);
  return v;
}

function optionalNum(obj: Json, key: string, where: string, fallback: number): number {
  return obj[key] === undefined || obj[key] === null ? fallback : num(obj, key, where);
}

function str(obj: Json, key: string, where: string): string {
  const v = obj[key];
  if (typeof v !== 'string') throw new PythonPayloadError(`${where}.${key} is not a string`);
  return v;
}

/** The Python worker only emits "active" and "slow" (research: openrtc §4.1); anything else is refused. */
function status(obj: Json, where: string): SessionStatus {
  const v = str(obj, 'status', where).toLowerCase();
  if (v === 'active' || v === 'slow') return v;
  throw new PythonPayloadError(`${where}.status ${JSON.stringify(v)} is not one of active, slow`);
}

function parseWorker(value: unknown): PythonWorkerStats {
  if (!isObject(value)) throw new PythonPayloadError('"worker" is missing or not an object');
  return {
    name: typeof value.name === 'string' ? value.name : 'openrtc',
    uptime_s: num(value, 'uptime_s', 'worker'),
    active_sessions: num(value, 'active_sessions', 'worker'),
    max_sessions: num(value, 'max_sessions', 'worker'),
    started: optionalNum(value, 'started', 'worker', 0),
    failed: optionalNum(value, 'failed', 'worker', 0),
    draining: value.draining === true,
  };
}

function parseSession(value: unknown, index: number): SessionRow {
  const where = `sessions[${index}]`;
  if (!isObject(value)) throw new PythonPayloadError(`${where} is not an object`);
  const tenant = value.tenant;
  if (tenant !== null && tenant !== undefined && typeof tenant !== 'string') {
    throw new PythonPayloadError(`${where}.tenant is not a string or null`);
  }
  const durationS = num(value, 'duration_s', where);
  return {
    session_id: str(value, 'session_id', where),
    agent_name: str(value, 'agent_name', where),
    // Python sessions without a tenant are what our admission calls "default".
    tenant: typeof tenant === 'string' ? tenant : DEFAULT_TENANT,
    status: status(value, where),
    duration_s: durationS,
    cpu_pct: optionalNum(value, 'cpu_pct', where, 0),
    mem_mb: optionalNum(value, 'mem_mb', where, 0),
    blocked_ms_last: null,
    blocked_frames: null,
    started_at: new Date(Date.now() - durationS * 1000).toISOString(),
    isolation: 'coroutine',
  };
}

function countBy(rows: SessionRow[], key: 'agent_name' | 'tenant'): Record<string, number> {
  const out: Record<string, number> = {};
  for (const row of rows) out[row[key]] = (out[row[key]] ?? 0) + 1;
  return out;
}

function tenantRow(rows: SessionRow[]): TenantSnapshot {
  return { ...unknownTenant(), active: rows.length, slow_sessions: rows.filter((r) => r.status === 'slow').length };
}

/** Parses the one JSON line a Python top.sock writes. Throws PythonPayloadError naming the bad field. */
export function parsePythonTopPayload(line: string, now: Date = new Date()): PythonTopSnapshot {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new PythonPayloadError(`not JSON (${messageOf(error)})`);
  }
  if (Array.isArray(value))
    throw new PythonPayloadError('a bare list (pre-0.19 OpenRTC) has no worker block; upgrade the worker');
  if (!isObject(value)) throw new PythonPayloadError('not a JSON object');
  const worker = parseWorker(value.worker);
  if (!Array.isArray(value.sessions)) throw new PythonPayloadError('"sessions" is missing or not a list');
  const sessions = value.sessions.map(parseSession);
  const tenants: Record<string, TenantSnapshot> = {};
  for (const name of new Set(sessions.map((s) => s.tenant))) {
    tenants[name] = tenantRow(sessions.filter((s) => s.tenant === name));
  }
  const snapshot: RuntimeSnapshot = {
    timestamp: now.getTime() / 1000,
    uptime_seconds: worker.uptime_s,
    registered_agents: new Set(sessions.map((s) => s.agent_name)).size,
    active_sessions: worker.active_sessions,
    total_sessions_started: worker.started,
    total_session_failures: worker.failed,
    last_error: null,
    sessions_by_agent: countBy(sessions, 'agent_name'),
    sessions_by_tenant: countBy(sessions, 'tenant'),
    max_concurrent_sessions: worker.max_sessions,
    tenants,
    folded_tenants: noFoldedTenants(),
    loop_lag: { p50_ms: 0, p99_ms: 0, max_ms: 0 },
    rss_mb: 0,
    draining: worker.draining,
    sessions,
  };
  return {
    snapshot,
    worker,
    unknown: [
      'registered_agents (counted from live sessions only)',
      'last_error',
      'loop_lag',
      'rss_mb',
      'tenants.*.cap',
      'tenants.*.failures',
      'tenants.*.rejections_by_reason',
      'tenants.*.breaker',
      'sessions.*.blocked_ms_last',
      'sessions.*.started_at (derived from duration_s)',
    ],
  };
}
