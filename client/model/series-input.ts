// What the dashboard's series model accepts from outside: lines of `.openrtc/metrics.jsonl`
// (OpenRTC's envelope v1, written by runtime/events/metrics-file.ts) and events off the socket.
// The file may be cut mid-line, hand-edited or written by another version, so each line is
// checked for the fields the model reads; a bad line is skipped with the reason, never guessed at.
import type { RuntimeEvent, RuntimeEventType, RuntimeSnapshot } from '../../protocol/control';

export const METRICS_SCHEMA_VERSION = 1;

export type MetricsLine =
  | { ok: true; kind: 'event'; event: RuntimeEvent; atMs: number }
  | { ok: true; kind: 'snapshot'; snapshot: RuntimeSnapshot; atMs: number }
  | { ok: false; why: string };

const EVENT_TYPES: ReadonlySet<RuntimeEventType> = new Set<RuntimeEventType>([
  'session_started',
  'session_ended',
  'session_failed',
  'session_cancelled',
  'rejected',
  'breaker_opened',
  'breaker_half_open',
  'breaker_closed',
  'slow_session',
  'tenant_isolated',
  'tenant_restored',
  'config_reloaded',
  'agent_reloaded',
  'draining',
]);

const BREAKER_STATES: ReadonlySet<string> = new Set(['closed', 'open', 'half_open']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

const isFrame = (f: unknown): boolean =>
  isObject(f) &&
  typeof f.function === 'string' &&
  typeof f.file === 'string' &&
  isFiniteNumber(f.line) &&
  isFiniteNumber(f.column);

/** Why an event cannot be charted, or null when it has what the model reads. */
export function eventProblem(value: unknown): string | null {
  if (!isObject(value)) return 'event is not an object';
  if (typeof value.type !== 'string' || !EVENT_TYPES.has(value.type as RuntimeEventType))
    return `unknown event type ${JSON.stringify(value.type)}`;
  if (typeof value.ts !== 'string' || Number.isNaN(Date.parse(value.ts))) return `${value.type}: ts is not a time`;
  switch (value.type) {
    case 'slow_session':
      if (!isFiniteNumber(value.blocked_ms)) return 'slow_session: blocked_ms is not a number';
      if (!Array.isArray(value.frames) || !value.frames.every(isFrame))
        return 'slow_session: frames is not a list of {function, file, line, column}';
      return null;
    case 'config_reloaded':
    case 'agent_reloaded':
    case 'draining':
      return null;
    default:
      return typeof value.tenant === 'string' ? null : `${value.type}: tenant is not a string`;
  }
}

/** Why a snapshot cannot be charted, or null. */
export function snapshotProblem(value: unknown): string | null {
  if (!isObject(value)) return 'snapshot is not an object';
  if (!isFiniteNumber(value.timestamp)) return 'snapshot: timestamp is not a number';
  const lag = value.loop_lag;
  if (!isObject(lag) || !isFiniteNumber(lag.p50_ms) || !isFiniteNumber(lag.p99_ms) || !isFiniteNumber(lag.max_ms))
    return 'snapshot: loop_lag lacks p50_ms/p99_ms/max_ms';
  if (!isFiniteNumber(value.active_sessions)) return 'snapshot: active_sessions is not a number';
  if (!isObject(value.tenants)) return 'snapshot: tenants is not an object';
  for (const [name, t] of Object.entries(value.tenants)) {
    if (!isObject(t) || !isFiniteNumber(t.active) || !(t.cap === null || isFiniteNumber(t.cap)))
      return `snapshot: tenant ${name} lacks active/cap`;
    if (!isFiniteNumber(t.started) || !isFiniteNumber(t.failures) || !isFiniteNumber(t.slow_sessions))
      return `snapshot: tenant ${name} lacks started/failures/slow_sessions`;
    if (!isObject(t.rejections_by_reason)) return `snapshot: tenant ${name} lacks rejections_by_reason`;
    const b = t.breaker;
    if (!isObject(b) || typeof b.enabled !== 'boolean' || !BREAKER_STATES.has(String(b.state)))
      return `snapshot: tenant ${name} lacks a breaker state`;
  }
  if (!Array.isArray(value.sessions)) return 'snapshot: sessions is not a list';
  return null;
}

/** One line of metrics.jsonl, checked. */
export function parseMetricsLine(line: string): MetricsLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, why: 'not JSON (cut or garbled line)' };
  }
  if (!isObject(value)) return { ok: false, why: 'not a JSON object' };
  if (value.schema_version !== METRICS_SCHEMA_VERSION)
    return {
      ok: false,
      why: `schema_version ${JSON.stringify(value.schema_version)} is not ${METRICS_SCHEMA_VERSION}`,
    };
  if (!isFiniteNumber(value.wall_time_unix)) return { ok: false, why: 'wall_time_unix is not a number' };
  const atMs = value.wall_time_unix * 1000;
  if (value.kind === 'event') {
    const why = eventProblem(value.payload);
    return why ? { ok: false, why } : { ok: true, kind: 'event', event: value.payload as RuntimeEvent, atMs };
  }
  if (value.kind === 'snapshot') {
    const why = snapshotProblem(value.payload);
    return why ? { ok: false, why } : { ok: true, kind: 'snapshot', snapshot: value.payload as RuntimeSnapshot, atMs };
  }
  return { ok: false, why: `kind ${JSON.stringify(value.kind)} is neither event nor snapshot` };
}
