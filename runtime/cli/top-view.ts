// What `openrtc top` shows: row selection (filters, sort), the key cycles, and the text of the
// screen. Pure: a snapshot and a view state in, lines out; the terminal side is top-screen.ts.
import { liveKitLine } from '../../protocol/livekit-view';
import { basename } from 'node:path';
import type { RuntimeSnapshot, SessionRow } from '../../protocol/control';
import { describeLoopBlock } from '../../protocol/loop-block';
import { durationWords } from '../../protocol/wording';
import { SESSION_LABEL_WIDTH, sessionIdLabel } from '../../protocol/session-label';
import { SORT_KEYS, STATUS_FILTERS, type SortKey, type StatusFilter } from './top-args';

export interface TopSnapshot {
  source: 'openrtc' | 'python';
  /** Who we are looking at: a workspace or a Python worker's name. */
  label: string;
  snapshot: RuntimeSnapshot;
  /** Fields the source does not report (shown as n/a, never as real zeros). */
  unknown: string[];
  /** The runtime's workspace, so a block's frame reads as agents/x.ts:4. */
  workspace?: string;
}

export interface ViewState {
  sort: SortKey;
  status: StatusFilter;
  tenant: string | null;
  agent: string | null;
}

const NUMERIC: ReadonlySet<SortKey> = new Set(['cpu_pct', 'duration_s', 'mem_mb']);

function statusMatches(row: SessionRow, filter: StatusFilter): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'active':
      return row.status === 'active' || row.status === 'starting';
    case 'slow':
      return row.status === 'slow';
    case 'failed':
      return row.status === 'failed';
  }
}

/** Filtered and sorted rows: numbers descending, text ascending, then by session id. */
export function selectRows(rows: readonly SessionRow[], view: ViewState): SessionRow[] {
  const key = view.sort;
  const byKey = (a: SessionRow, b: SessionRow): number =>
    NUMERIC.has(key) ? Number(b[key]) - Number(a[key]) : String(a[key]).localeCompare(String(b[key]));
  return rows
    .filter((r) => statusMatches(r, view.status))
    .filter((r) => view.tenant === null || r.tenant === view.tenant)
    .filter((r) => view.agent === null || r.agent_name === view.agent)
    .sort((a, b) => byKey(a, b) || a.session_id.localeCompare(b.session_id));
}

function next<T>(list: readonly T[], current: T): T {
  return list[(list.indexOf(current) + 1) % list.length] as T;
}

export const cycleSort = (k: SortKey): SortKey => next(SORT_KEYS, k);
export const cycleStatus = (s: StatusFilter): StatusFilter => next(STATUS_FILTERS, s);

/** all → each tenant in the snapshot (sorted) → all. A tenant that vanished restarts the cycle. */
export function cycleTenant(current: string | null, snapshot: RuntimeSnapshot): string | null {
  const names = [...new Set([...Object.keys(snapshot.tenants), ...snapshot.sessions.map((s) => s.tenant)])].sort();
  const options: (string | null)[] = [null, ...names];
  return next(options, options.includes(current) ? current : null);
}

function lastBlock(row: SessionRow): string {
  if (row.blocked_ms_last === null) return '-';
  const top = row.blocked_frames?.[0];
  return top
    ? `${row.blocked_ms_last}ms ${basename(top.file)}:${top.line} ${top.function}`
    : `${row.blocked_ms_last}ms`;
}

interface Column {
  title: string;
  width: number;
  right?: boolean;
  cell: (r: SessionRow) => string;
}

const COLUMNS: Column[] = [
  // The whole id, so it can be copied into `logs --session` or `cancel`.
  { title: 'session', width: SESSION_LABEL_WIDTH, cell: (r) => sessionIdLabel(r.session_id) },
  { title: 'agent', width: 14, cell: (r) => r.agent_name },
  { title: 'tenant', width: 14, cell: (r) => r.tenant },
  { title: 'dur(s)', width: 7, right: true, cell: (r) => r.duration_s.toFixed(0) },
  { title: 'cpu%', width: 6, right: true, cell: (r) => r.cpu_pct.toFixed(1) },
  { title: 'mem~MB', width: 7, right: true, cell: (r) => r.mem_mb.toFixed(1) },
  { title: 'status', width: 9, cell: (r) => r.status.toUpperCase() },
  { title: 'last block (source)', width: 0, cell: lastBlock },
];

function fit(text: string, col: Column): string {
  if (col.width === 0) return text;
  const t = text.length > col.width ? `${text.slice(0, col.width - 1)}…` : text;
  return col.right ? t.padStart(col.width) : t.padEnd(col.width);
}

const tableLine = (cells: (c: Column) => string): string =>
  COLUMNS.map((c) => fit(cells(c), c))
    .join(' ')
    .trimEnd();

function header(top: TopSnapshot, view: ViewState, shown: number): string[] {
  const s = top.snapshot;
  const lag = top.unknown.includes('loop_lag')
    ? 'loop lag n/a'
    : `loop lag p50 ${s.loop_lag.p50_ms}ms p99 ${s.loop_lag.p99_ms}ms max ${s.loop_lag.max_ms}ms`;
  const tenants = Object.entries(s.tenants);
  const breakers = tenants.filter(([, t]) => t.breaker.state !== 'closed').map(([n, t]) => `${n}(${t.breaker.state})`);
  const isolated = tenants.filter(([, t]) => t.isolation === 'process').map(([n]) => n);
  const sortDir = NUMERIC.has(view.sort) ? '↓' : '↑';
  // While the loop is blocked the rest is the last published state: the block comes first.
  const blocked = s.loop ? [`BLOCKED: ${describeLoopBlock(s.loop, top.workspace ?? null)}`] : [];
  return [
    `openrtc top · ${top.label} · up ${durationWords(s.uptime_seconds)} · sessions ${s.active_sessions}/${s.max_concurrent_sessions}${s.draining ? ' · DRAINING' : ''}`,
    ...blocked,
    `${lag} · open breakers: ${breakers.join(' ') || 'none'} · isolated: ${isolated.join(' ') || 'none'}`,
    ...(s.livekit ?? []).map(liveKitLine),
    `sort ${view.sort}${sortDir} · status ${view.status} · tenant ${view.tenant ?? 'all'} · agent ${view.agent ?? 'all'} · ${shown}/${s.sessions.length} sessions`,
  ];
}

/**
 * The whole screen as plain lines (no escapes), each cut to `width`. `trend`: the sparkline line
 * (top-sparkline.ts) under the header, in live mode.
 */
export function renderLines(top: TopSnapshot, view: ViewState, width: number, live: boolean, trend = ''): string[] {
  const rows = selectRows(top.snapshot.sessions, view);
  const lines = [
    ...header(top, view, rows.length),
    ...(trend ? [trend] : []),
    live ? 'keys: q quit · s sort · f status · t tenant · r refresh' : '',
    tableLine((c) => c.title),
    ...(rows.length === 0 ? ['  (no sessions match)'] : rows.map((r) => tableLine((c) => c.cell(r)))),
    '',
    `cpu% = share of the event-loop thread over the recent window · mem~ = estimate (equal share of process RSS in a shared process)`,
  ];
  return lines.map((l) => (l.length > width ? l.slice(0, Math.max(1, width - 1)) + '…' : l));
}
