// Tenant Incident runbook, the step logic: identify → recognise the failure mode → confirm the
// blast radius → act → (escalate: logs/escalation.ts). Pure: a snapshot and a clock in,
// findings with their evidence out, so every step can show what it found.
import type { RuntimeSnapshot, SessionRow, TenantSnapshot } from '../../protocol/control';
import { breakerWords, capWords, rejectionWords, totalRejections } from '../../protocol/wording';
import { describeLoopBlock } from '../../protocol/loop-block';

export interface Suspect {
  tenant: string;
  score: number;
  evidence: string[];
}

export type FailureMode = 'failing_calls' | 'eating_capacity' | 'blocking_loop';

export interface ModeFinding {
  mode: FailureMode;
  title: string;
  present: boolean;
  evidence: string[];
}

const pct = (part: number, whole: number): string => `${whole ? Math.round((part / whole) * 100) : 0}%`;

function tenantSessions(snapshot: RuntimeSnapshot, tenant: string): SessionRow[] {
  return snapshot.sessions.filter((s) => s.tenant === tenant);
}

function worstBlock(rows: readonly SessionRow[]): SessionRow | undefined {
  let worst: SessionRow | undefined;
  for (const r of rows)
    if (r.blocked_ms_last !== null && (!worst || r.blocked_ms_last > (worst.blocked_ms_last ?? 0))) worst = r;
  return worst;
}

function blockWords(row: SessionRow): string {
  const frame = row.blocked_frames?.[0];
  return `session ${row.session_id} blocked the loop ${Math.round(row.blocked_ms_last ?? 0)}ms${frame ? ` at ${frame.function} (${frame.file}:${frame.line})` : ''}`;
}

/** The counts the breaker opened on (older runtimes report none once open). */
function windowWords(t: TenantSnapshot): string {
  const b = t.breaker;
  return b.samples > 0
    ? ` after ${b.failures}/${b.samples} failures in its window`
    : ` (opened ${b.times_opened}× so far)`;
}

/** Outweighs every other sign together: while the loop is blocked, nothing else on it runs. */
const BLOCKING_NOW_SCORE = 10_000;

/** The tenant whose session blocks the loop right now (the control thread's live block), if any. */
function blockingNow(snapshot: RuntimeSnapshot): { tenant: string; evidence: string } | null {
  const loop = snapshot.loop;
  if (!loop?.tenant) return null;
  return { tenant: loop.tenant, evidence: `blocking the event loop now: ${describeLoopBlock(loop)}` };
}

/** Tenants with any sign of trouble, most suspicious first, each with the signs found. */
export function rankSuspects(snapshot: RuntimeSnapshot, nowMs: number): Suspect[] {
  const suspects: Suspect[] = [];
  const totalActive = Math.max(1, snapshot.active_sessions);
  const blocker = blockingNow(snapshot);
  // The snapshot published before the block may not know the tenant yet: it is still the suspect.
  if (blocker && !Object.hasOwn(snapshot.tenants, blocker.tenant))
    suspects.push({ tenant: blocker.tenant, score: BLOCKING_NOW_SCORE, evidence: [blocker.evidence] });
  for (const [tenant, t] of Object.entries(snapshot.tenants)) {
    let score = 0;
    const evidence: string[] = [];
    if (blocker?.tenant === tenant) {
      score += BLOCKING_NOW_SCORE;
      evidence.push(blocker.evidence);
    }
    if (t.breaker.enabled && t.breaker.state !== 'closed') {
      score += t.breaker.state === 'open' ? 100 : 60;
      evidence.push(`breaker ${breakerWords(t.breaker, nowMs)}${windowWords(t)}`);
    }
    if (t.failures > 0) {
      score += 10 * t.failures + 50 * (t.failures / Math.max(1, t.started));
      evidence.push(`${t.failures} of ${t.started} sessions failed (${pct(t.failures, t.started)})`);
    }
    const rejected = totalRejections(t.rejections_by_reason);
    if (rejected > 0) {
      score += 2 * rejected;
      evidence.push(`${rejected} sessions rejected (${rejectionWords(t.rejections_by_reason)})`);
    }
    if (t.slow_sessions > 0) {
      score += 40 * t.slow_sessions;
      const worst = worstBlock(tenantSessions(snapshot, tenant));
      evidence.push(
        `${t.slow_sessions} slow session${t.slow_sessions > 1 ? 's' : ''}${worst ? `; worst: ${blockWords(worst)}` : ''}`,
      );
    }
    const share = t.active / totalActive;
    const others = Object.keys(snapshot.tenants).length > 1;
    if (t.active > 0 && ((others && share > 0.5) || (t.cap !== null && t.active >= t.cap))) {
      score += 30 * share + (t.cap !== null && t.active >= t.cap ? 20 : 0);
      evidence.push(
        `holds ${t.active} of ${snapshot.active_sessions} active sessions (${pct(t.active, snapshot.active_sessions)}), cap ${capWords(t)}`,
      );
    }
    if (score > 0) suspects.push({ tenant, score, evidence });
  }
  return suspects.sort((a, b) => b.score - a.score || a.tenant.localeCompare(b.tenant));
}

/** The three failure modes of the runbook, each with whether it is present and why. */
export function recogniseModes(snapshot: RuntimeSnapshot, tenant: string, nowMs: number): ModeFinding[] {
  const t = snapshot.tenants[tenant];
  if (!t) return [];
  const failing: string[] = [];
  if (t.failures > 0) failing.push(`${t.failures} of ${t.started} sessions failed (${pct(t.failures, t.started)})`);
  if (t.breaker.enabled)
    failing.push(`breaker ${breakerWords(t.breaker, nowMs)}; opened ${t.breaker.times_opened}× so far`);
  else failing.push('breaker is off for this tenant (enable_tenant_circuit_breaker)');
  const circuit = t.rejections_by_reason.circuit_open ?? 0;
  if (circuit) failing.push(`${circuit} new sessions rejected while the breaker was open`);

  const capacity: string[] = [
    `active/cap ${capWords(t)}; ${pct(t.active, snapshot.active_sessions)} of all active sessions`,
  ];
  const capRejections = (t.rejections_by_reason.tenant_cap ?? 0) + (t.rejections_by_reason.worker_cap ?? 0);
  if (capRejections)
    capacity.push(`${capRejections} sessions rejected at a cap (overflow already refused; siblings keep accepting)`);
  if (t.cap === null) capacity.push('no per-tenant cap: add one in the Act step');
  const atCap = t.cap !== null && t.active >= t.cap;
  const hog =
    t.active > 0 && t.active / Math.max(1, snapshot.active_sessions) > 0.5 && Object.keys(snapshot.tenants).length > 1;

  const slowRows = tenantSessions(snapshot, tenant).filter((s) => s.status === 'slow');
  const blocking: string[] = [];
  const now = blockingNow(snapshot);
  const blocksNow = now?.tenant === tenant;
  if (now && blocksNow) blocking.push(now.evidence);
  if (t.slow_sessions) blocking.push(`${t.slow_sessions} session${t.slow_sessions > 1 ? 's' : ''} marked slow`);
  for (const row of slowRows.slice(0, 3)) blocking.push(blockWords(row));
  blocking.push(
    `loop lag p99 ${snapshot.loop_lag.p99_ms.toFixed(1)}ms, max ${snapshot.loop_lag.max_ms.toFixed(1)}ms (shared by every tenant)`,
  );

  return [
    {
      mode: 'failing_calls',
      title: 'Failing calls',
      present: t.failures > 0 || t.breaker.state !== 'closed',
      evidence: failing,
    },
    {
      mode: 'eating_capacity',
      title: 'Eating capacity',
      present: atCap || capRejections > 0 || hog,
      evidence: capacity,
    },
    {
      mode: 'blocking_loop',
      title: 'Blocking the loop',
      present: blocksNow || t.slow_sessions > 0 || slowRows.length > 0,
      evidence: blocking,
    },
  ];
}

export interface TenantHealth {
  tenant: string;
  accepting: boolean;
  evidence: string;
}

export interface BlastRadius {
  confined: boolean;
  others: TenantHealth[];
  summary: string;
}

function health(tenant: string, t: TenantSnapshot, nowMs: number): TenantHealth {
  const breakerOpen = t.breaker.enabled && t.breaker.state === 'open';
  const full = t.cap !== null && t.active >= t.cap;
  const completed = Math.max(0, t.started - t.failures - t.active);
  const accepting = !breakerOpen && !full && t.slow_sessions === 0;
  const parts = [
    breakerOpen
      ? `breaker ${breakerWords(t.breaker, nowMs)}`
      : full
        ? `at its cap ${capWords(t)}`
        : `accepting (${capWords(t)})`,
    `${completed} completed, ${t.failures} failed`,
  ];
  if (t.slow_sessions) parts.push(`${t.slow_sessions} slow`);
  return { tenant, accepting, evidence: parts.join(' · ') };
}

/** Are the other tenants still accepting and completing? */
export function blastRadius(
  snapshot: RuntimeSnapshot,
  suspect: string,
  nowMs: number,
  slowThresholdMs = 50,
): BlastRadius {
  const others = Object.entries(snapshot.tenants)
    .filter(([name]) => name !== suspect)
    .map(([name, t]) => health(name, t, nowMs))
    .sort((a, b) => a.tenant.localeCompare(b.tenant));
  const suffering = others.filter((o) => !o.accepting);
  const lagging = snapshot.loop_lag.p99_ms > slowThresholdMs;
  const confined = suffering.length === 0 && !lagging;
  const summary = confined
    ? `Confined: ${others.length} other tenant${others.length === 1 ? '' : 's'} still accepting; loop lag p99 ${snapshot.loop_lag.p99_ms.toFixed(1)}ms.`
    : [
        suffering.length ? `Not confined: ${suffering.map((s) => s.tenant).join(', ')} also affected.` : '',
        lagging
          ? `Loop lag p99 ${snapshot.loop_lag.p99_ms.toFixed(1)}ms is over ${slowThresholdMs}ms: every tenant on this loop stutters.`
          : '',
      ]
        .filter(Boolean)
        .join(' ');
  return { confined, others, summary };
}

export type ActionKind = 'cap' | 'isolate' | 'breaker';

export interface ActionOption {
  action: ActionKind;
  label: string;
  detail: string;
  recommended: boolean;
  /** For 'cap': the suggested new cap; for 'breaker': the suggested cooldown in seconds. */
  suggested: number | null;
}

export function actionOptions(
  snapshot: RuntimeSnapshot,
  tenant: string,
  modes: readonly ModeFinding[],
): ActionOption[] {
  const t = snapshot.tenants[tenant];
  if (!t) return [];
  const present = new Set(modes.filter((m) => m.present).map((m) => m.mode));
  const suggestedCap = Math.max(
    1,
    t.cap === null
      ? Math.ceil(Math.max(1, t.active) / 2)
      : Math.min(t.cap - 1, Math.ceil(Math.max(1, t.active) / 2)) || 1,
  );
  const cooldown = Math.min(600, Math.max(30, t.breaker.cooldown_s * 2));
  return [
    {
      action: 'cap',
      label: `Tighten the cap to ${suggestedCap}`,
      detail: `now ${capWords(t)}; overflow is rejected at admission, other tenants keep their slots`,
      recommended: present.has('eating_capacity'),
      suggested: suggestedCap,
    },
    {
      action: 'isolate',
      label: t.isolation === 'process' ? 'Already isolated in its own process' : 'Force isolation (own process)',
      detail: 'new sessions run in a child process; a blocked or crashing tenant no longer stalls the shared loop',
      recommended: t.isolation !== 'process' && present.has('blocking_loop'),
      suggested: null,
    },
    {
      action: 'breaker',
      label: `Tune the breaker cooldown to ${cooldown}s`,
      detail: `now ${t.breaker.enabled ? `${t.breaker.cooldown_s}s` : 'off'}; a longer cooldown rejects its new sessions for longer before probing`,
      recommended: present.has('failing_calls'),
      suggested: cooldown,
    },
  ];
}
