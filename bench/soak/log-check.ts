// What the JSONL log says happened, for the soak and the counter tests: every session the runtime
// announced (session_started events) has exactly one start record and exactly one end record,
// both naming its tenant; and per tenant, the counts the snapshot and the callers report
// (started, ended, failed, cancelled, rejections by reason) as derived from the records alone.
import { readFile } from 'node:fs/promises';
import type { RejectionReason, RuntimeEvent, RuntimeSnapshot } from '../../protocol/control';

export interface TenantLogCounts {
  started: number;
  /** End records by status. */
  ended: number;
  failedEnds: number;
  cancelled: number;
  /** Sessions the runtime counts as failures: failed ends plus sessions with a late error record. */
  failed: number;
  rejections: Partial<Record<RejectionReason, number>>;
}

export interface LogCheck {
  startRecords: number;
  endsByStatus: { ended: number; failed: number; cancelled: number };
  /** Sessions that failed, plus sessions that ended or were cancelled and then had a late error
   * (code they left behind threw): the runtime counts each such session as one failure. */
  failedSessions: number;
  perTenant: Record<string, TenantLogCounts>;
  /** Rejection records whose wording matched no known reason (each is a counting bug to look at). */
  unknownRejections: string[];
  /** One line per session that breaks the rule (capped at 20 in the report). */
  missing: string[];
  badLines: number;
  /** The whole file, for secret scans; emptied before the report is printed. */
  rawText: string;
}

const END = /^session (ended|failed|cancelled) after /;
const LATE = /^(uncaughtException|unhandledRejection|entryRejection) after the session ended: /;
/** Admission's wording per reason (runtime/policy/admission.ts); the record's tenant field says whose. */
const REJECTIONS: [RegExp, RejectionReason][] = [
  [/: worker is draining\.$/, 'draining'],
  [/: no agent named /, 'unknown_agent'],
  [/: circuit breaker open\.$/, 'circuit_open'],
  [/: at per-tenant cap \(\d+\)\.$/, 'tenant_cap'],
  [/: at per-agent cap \(\d+\)\.$/, 'agent_cap'],
  [/: worker at max_concurrent_sessions \(\d+\)\.$/, 'worker_cap'],
];

const emptyCounts = (): TenantLogCounts => ({
  started: 0,
  ended: 0,
  failedEnds: 0,
  cancelled: 0,
  failed: 0,
  rejections: {},
});
const push = (m: Map<string, string[]>, id: string, tenant: string): void =>
  void (m.get(id) ?? m.set(id, []).get(id)!).push(tenant);

export async function checkLogCompleteness(logFile: string, events: RuntimeEvent[]): Promise<LogCheck> {
  const rawText = await readFile(logFile, 'utf8');
  const starts = new Map<string, string[]>();
  const ends = new Map<string, string[]>();
  const endsByStatus = { ended: 0, failed: 0, cancelled: 0 };
  const failedIds = new Map<string, string>();
  const lateIds = new Map<string, string>();
  const perTenant: Record<string, TenantLogCounts> = {};
  const counts = (tenant: string): TenantLogCounts => (perTenant[tenant] ??= emptyCounts());
  const unknownRejections: string[] = [];
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
    if (rec.logger !== 'openrtc' || typeof rec.message !== 'string') continue;
    if (rec.message.startsWith('Rejecting session') && typeof rec.tenant === 'string') {
      const reason = REJECTIONS.find(([re]) => re.test(rec.message as string))?.[1];
      if (reason === undefined) unknownRejections.push(rec.message);
      else counts(rec.tenant).rejections[reason] = (counts(rec.tenant).rejections[reason] ?? 0) + 1;
      continue;
    }
    if (typeof rec.session_id !== 'string') continue;
    const tenant = String(rec.tenant);
    if (rec.message.startsWith('session started (')) {
      counts(tenant).started += 1;
      push(starts, rec.session_id, tenant);
      continue;
    }
    if (LATE.test(rec.message)) lateIds.set(rec.session_id, tenant);
    const end = END.exec(rec.message);
    if (end) {
      const status = end[1] as keyof typeof endsByStatus;
      endsByStatus[status] += 1;
      const c = counts(tenant);
      if (status === 'failed') {
        c.failedEnds += 1;
        failedIds.set(rec.session_id, tenant);
      } else c[status] += 1;
      push(ends, rec.session_id, tenant);
    }
  }
  for (const [id, tenant] of lateIds) if (!failedIds.has(id)) failedIds.set(id, tenant);
  for (const tenant of failedIds.values()) counts(tenant).failed += 1;
  const missing: string[] = [];
  const announced = new Map<string, string>();
  for (const e of events) if (e.type === 'session_started') announced.set(e.session_id, e.tenant);
  for (const id of new Set([...announced.keys(), ...starts.keys()])) {
    const tenant = announced.get(id);
    const s = starts.get(id) ?? [];
    const x = ends.get(id) ?? [];
    if (tenant === undefined) missing.push(`${id}: in the log but no session_started event`);
    else if (s.length !== 1 || s[0] !== tenant)
      missing.push(`${id}: ${s.length} start records (${s.join(',')}) for tenant ${tenant}`);
    else if (x.length !== 1 || x[0] !== tenant)
      missing.push(`${id}: ${x.length} end records (${x.join(',')}) for tenant ${tenant}`);
  }
  const startRecords = [...starts.values()].reduce((a, s) => a + s.length, 0);
  return {
    startRecords,
    endsByStatus,
    failedSessions: failedIds.size,
    perTenant,
    unknownRejections,
    missing,
    badLines,
    rawText,
  };
}

/** The final snapshot's counters against the same counts derived from the log: every counter it shows. */
export function compareCounters(s: RuntimeSnapshot, log: LogCheck): string[] {
  const out: string[] = [];
  const check = (what: string, snapshot: number, fromLog: number): void => {
    if (snapshot !== fromLog) out.push(`${what}: snapshot ${snapshot}, log ${fromLog}`);
  };
  check('total_sessions_started', s.total_sessions_started, log.startRecords);
  check('total_session_failures', s.total_session_failures, log.failedSessions);
  for (const tenant of new Set([...Object.keys(s.tenants), ...Object.keys(log.perTenant)])) {
    const t = s.tenants[tenant];
    const l = log.perTenant[tenant] ?? emptyCounts();
    check(`${tenant}.started`, t?.started ?? 0, l.started);
    check(`${tenant}.failures`, t?.failures ?? 0, l.failed);
    for (const reason of new Set([
      ...Object.keys(t?.rejections_by_reason ?? {}),
      ...Object.keys(l.rejections),
    ]) as Set<RejectionReason>) {
      check(
        `${tenant}.rejections_by_reason.${reason}`,
        t?.rejections_by_reason[reason] ?? 0,
        l.rejections[reason] ?? 0,
      );
    }
  }
  for (const m of log.unknownRejections.slice(0, 5)) out.push(`rejection record with no known reason: ${m}`);
  return out;
}

/** What the callers were told (startCalls results) against the log: started, and each end status and rejections. */
export function compareCallerTally(
  tenant: string,
  tally: { started: number; succeeded: number; failed: number; cancelled: number; rejected: number },
  log: LogCheck,
): string[] {
  const l = log.perTenant[tenant] ?? emptyCounts();
  const rejected = Object.values(l.rejections).reduce((a, b) => a + (b ?? 0), 0);
  const pairs: [string, number, number][] = [
    ['started', tally.started, l.started],
    ['succeeded', tally.succeeded, l.ended],
    ['failed', tally.failed, l.failedEnds],
    ['cancelled', tally.cancelled, l.cancelled],
    ['rejected', tally.rejected, rejected],
  ];
  return pairs.filter(([, a, b]) => a !== b).map(([what, a, b]) => `${tenant}.${what}: callers ${a}, log ${b}`);
}
