// Log completeness for the soak: every session the runtime announced (session_started events)
// has exactly one start record and exactly one end record in the JSONL log, both naming its tenant.
import { readFile } from 'node:fs/promises';
import type { RuntimeEvent, RuntimeSnapshot } from '../../protocol/control.js';

export interface LogCheck {
  startRecords: number;
  endsByStatus: { ended: number; failed: number; cancelled: number };
  /** Sessions that failed, plus sessions that ended or were cancelled and then had a late error
   * (code they left behind threw): the runtime counts each such session as one failure. */
  failedSessions: number;
  perTenant: Record<string, { started: number; failed: number }>;
  /** One line per session that breaks the rule (capped at 20 in the report). */
  missing: string[];
  badLines: number;
  /** The whole file, for secret scans; emptied before the report is printed. */
  rawText: string;
}

const END = /^session (ended|failed|cancelled) after /;
const LATE = /^(uncaughtException|unhandledRejection|entryRejection) after the session ended: /;

export async function checkLogCompleteness(logFile: string, events: RuntimeEvent[]): Promise<LogCheck> {
  const rawText = await readFile(logFile, 'utf8');
  const starts = new Map<string, string[]>();
  const ends = new Map<string, string[]>();
  const endsByStatus = { ended: 0, failed: 0, cancelled: 0 };
  const failedIds = new Map<string, string>();
  const lateIds = new Map<string, string>();
  const perTenant: LogCheck['perTenant'] = {};
  let badLines = 0;
  for (const line of rawText.split('\n')) {
    if (!line) continue;
    let rec: { session_id?: unknown; tenant?: unknown; logger?: unknown; message?: unknown };
    try {
      rec = JSON.parse(line) as typeof rec;
    } catch {
      badLines += 1;
      continue;
    }
    if (rec.logger !== 'openrtc' || typeof rec.session_id !== 'string' || typeof rec.message !== 'string') continue;
    const tenant = String(rec.tenant);
    const counts = (perTenant[tenant] ??= { started: 0, failed: 0 });
    if (rec.message.startsWith('session started (')) {
      counts.started += 1;
      (starts.get(rec.session_id) ?? starts.set(rec.session_id, []).get(rec.session_id)!).push(tenant);
      continue;
    }
    if (LATE.test(rec.message)) lateIds.set(rec.session_id, tenant);
    const end = END.exec(rec.message);
    if (end) {
      const status = end[1] as keyof typeof endsByStatus;
      endsByStatus[status] += 1;
      if (status === 'failed') failedIds.set(rec.session_id, tenant);
      (ends.get(rec.session_id) ?? ends.set(rec.session_id, []).get(rec.session_id)!).push(tenant);
    }
  }
  for (const [id, tenant] of lateIds) if (!failedIds.has(id)) failedIds.set(id, tenant);
  for (const tenant of failedIds.values()) (perTenant[tenant] ??= { started: 0, failed: 0 }).failed += 1;
  const missing: string[] = [];
  const announced = new Map<string, string>();
  for (const e of events) if (e.type === 'session_started') announced.set(e.session_id, e.tenant);
  for (const id of new Set([...announced.keys(), ...starts.keys()])) {
    const tenant = announced.get(id);
    const s = starts.get(id) ?? [];
    const x = ends.get(id) ?? [];
    if (tenant === undefined) missing.push(`${id}: in the log but no session_started event`);
    else if (s.length !== 1 || s[0] !== tenant) missing.push(`${id}: ${s.length} start records (${s.join(',')}) for tenant ${tenant}`);
    else if (x.length !== 1 || x[0] !== tenant) missing.push(`${id}: ${x.length} end records (${x.join(',')}) for tenant ${tenant}`);
  }
  const startRecords = [...starts.values()].reduce((a, s) => a + s.length, 0);
  return { startRecords, endsByStatus, failedSessions: failedIds.size, perTenant, missing, badLines, rawText };
}

/** The final snapshot's counters against the same counts derived from the log. */
export function compareCounters(s: RuntimeSnapshot, log: LogCheck): string[] {
  const out: string[] = [];
  const check = (what: string, snapshot: number, fromLog: number): void => {
    if (snapshot !== fromLog) out.push(`${what}: snapshot ${snapshot}, log ${fromLog}`);
  };
  check('total_sessions_started', s.total_sessions_started, log.startRecords);
  check('total_session_failures', s.total_session_failures, log.failedSessions);
  for (const [tenant, t] of Object.entries(s.tenants)) {
    check(`${tenant}.started`, t.started, log.perTenant[tenant]?.started ?? 0);
    check(`${tenant}.failures`, t.failures, log.perTenant[tenant]?.failed ?? 0);
  }
  return out;
}
