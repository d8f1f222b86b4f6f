// One scoped log record: parsing a JSONL line, matching a filter, and printing it for humans.
// Accepts our runtime's records and Python OpenRTC's (JsonLogFormatter): same field names,
// their timestamp as `YYYY-MM-DD HH:MM:SS,mmm` (local time) and levels like `WARNING`;
// pino's numeric levels are understood too.

import type { LogRecord } from '../../protocol/control';

export type LogFields = Record<string, unknown>;

export interface LogFilter {
  session_id?: string;
  tenant?: string;
  agent_name?: string;
  /** Keep records at this level or above. */
  level?: string;
}

/** Python's scale (DEBUG 10 … CRITICAL 50), which our runtime's level names follow. */
const LEVEL_RANKS: Record<string, number> = {
  trace: 5,
  debug: 10,
  info: 20,
  warn: 30,
  warning: 30,
  error: 40,
  critical: 50,
  fatal: 50,
};
/** pino's numeric levels mapped onto the same scale. */
const PINO_LEVEL_RANKS: Record<number, number> = { 10: 5, 20: 10, 30: 20, 40: 30, 50: 40, 60: 50 };

export function levelRank(level: unknown): number | null {
  if (typeof level === 'number') return PINO_LEVEL_RANKS[level] ?? null;
  if (typeof level === 'string') return LEVEL_RANKS[level.toLowerCase()] ?? null;
  return null;
}

export function isKnownLevel(level: string): boolean {
  return levelRank(level) !== null;
}

export type ParsedLine = { ok: true; record: LogFields } | { ok: false; reason: string };

export function parseLogLine(text: string): ParsedLine | null {
  if (text.trim().length === 0) return null; // blank lines are not records, nor errors
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, reason: 'not a JSON object' };
  return { ok: true, record: value as LogFields };
}

export function matchesFilter(record: LogFields, filter: LogFilter): boolean {
  if (filter.session_id !== undefined && record.session_id !== filter.session_id) return false;
  if (filter.tenant !== undefined && record.tenant !== filter.tenant) return false;
  if (filter.agent_name !== undefined && record.agent_name !== filter.agent_name) return false;
  if (filter.level !== undefined) {
    const want = levelRank(filter.level);
    const got = levelRank(record.level);
    if (want === null || got === null || got < want) return false;
  }
  return true;
}

const PYTHON_TIMESTAMP = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}),(\d{3})$/;

/** ISO-looking text for any accepted timestamp form (Python's stays local time: it has no zone). */
export function displayTimestamp(record: LogFields): string {
  const ts = record.timestamp ?? record.time;
  if (typeof ts === 'number') return new Date(ts).toISOString();
  if (typeof ts !== 'string') return '-';
  const py = PYTHON_TIMESTAMP.exec(ts);
  return py ? `${py[1]}T${py[2]}.${py[3]}` : ts;
}

function displayLevel(level: unknown): string {
  if (typeof level === 'string') return level.toUpperCase();
  const rank = levelRank(level);
  const name = Object.entries(LEVEL_RANKS).find(([, r]) => r === rank)?.[0];
  return name ? name.toUpperCase() : String(level ?? '-');
}

/** `TIMESTAMP LEVEL tenant/agent/session logger: message` (+ the traceback, indented). */
export function formatRecord(record: LogFields): string {
  const scope = [record.tenant, record.agent_name, record.session_id]
    .map((v) => (typeof v === 'string' ? v : '-'))
    .join('/');
  const message =
    typeof record.message === 'string'
      ? record.message
      : typeof record.msg === 'string'
        ? record.msg
        : JSON.stringify(record);
  const logger = typeof record.logger === 'string' ? record.logger : '-';
  let line = `${displayTimestamp(record)} ${displayLevel(record.level).padEnd(8)} ${scope} ${logger}: ${message}`;
  if (typeof record.exc_info === 'string' && record.exc_info.length > 0) {
    line += `\n${record.exc_info.replace(/^/gm, '    ')}`;
  }
  return line;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** The protocol's LogRecord shape for any accepted record (what the control `logs` method returns). */
export function toLogRecord(record: LogFields): LogRecord {
  const out: LogRecord = {
    timestamp: displayTimestamp(record),
    level: displayLevel(record.level),
    session_id: stringOrNull(record.session_id),
    agent_name: stringOrNull(record.agent_name),
    tenant: stringOrNull(record.tenant),
    logger: stringOrNull(record.logger) ?? '-',
    message: stringOrNull(record.message) ?? stringOrNull(record.msg) ?? '',
  };
  if (typeof record.exc_info === 'string') out.exc_info = record.exc_info;
  return out;
}
