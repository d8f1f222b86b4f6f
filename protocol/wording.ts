// The words the CLI and the extension both show for the same facts (breaker state and counts,
// caps, rejections, durations, a batch of test calls), written once so the two never drift apart.
// Pure: time comes in.
import type { BreakerSnapshot, BreakerState, RejectionReason, StartCallsResult, TenantSnapshot } from './control';

/** The name of each breaker state wherever a person reads it (tree, dashboard, tables). */
export const BREAKER_STATE_WORDS: Readonly<Record<BreakerState, string>> = {
  closed: 'closed',
  open: 'open',
  half_open: 'half-open',
};

/** While closed the counts are the live window; once it opens the window restarts, so they are the ones it opened on. */
export function breakerCountsWords(b: BreakerSnapshot): string {
  return b.state === 'closed'
    ? `${b.failures}/${b.samples} failures in window`
    : `opened on ${b.failures}/${b.samples} failures`;
}

/** `closed`, `open · retry in 12s`, `half-open`, or `breaker off` when the tenant has no breaker. */
export function breakerWords(breaker: BreakerSnapshot, nowMs: number): string {
  if (!breaker.enabled) return 'breaker off';
  const word = BREAKER_STATE_WORDS[breaker.state];
  if (breaker.state !== 'open' || breaker.retry_at === null) return word;
  const retryMs = Date.parse(breaker.retry_at) - nowMs;
  return `${word} · retry in ${Math.max(0, Math.ceil(retryMs / 1000))}s`;
}

export function capWords(tenant: Pick<TenantSnapshot, 'active' | 'cap'>): string {
  return `${tenant.active}/${tenant.cap === null ? '∞' : tenant.cap}`;
}

export function totalRejections(rejections: Partial<Record<RejectionReason, number>>): number {
  let total = 0;
  for (const count of Object.values(rejections)) total += count ?? 0;
  return total;
}

/** The reasons that rejected at least one session, in declaration order of the record. */
export function rejectionCounts(rejections: Partial<Record<RejectionReason, number>>): [RejectionReason, number][] {
  const counts: [RejectionReason, number][] = [];
  for (const [reason, n] of Object.entries(rejections) as [RejectionReason, number | undefined][]) {
    if ((n ?? 0) > 0) counts.push([reason, n ?? 0]);
  }
  return counts;
}

export function rejectionWords(rejections: Partial<Record<RejectionReason, number>>): string {
  const parts = rejectionCounts(rejections).map(([reason, n]) => `${reason.replace(/_/g, ' ')}: ${n}`);
  return parts.length ? parts.join(', ') : 'none';
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** 4s, 2m05s, 1h02m, 3d04h: short enough for a tree description or top's header. */
export function durationWords(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${pad2(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${pad2(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86400)}d${pad2(Math.floor((s % 86400) / 3600))}h`;
}

/** One line for a batch of test calls (`openrtc call`, "OpenRTC: Start Test Calls"). */
export function summarizeCalls(result: StartCallsResult): string {
  const total = totalRejections(result.rejected);
  return `started ${result.started}, succeeded ${result.succeeded}, failed ${result.failed}, cancelled ${result.cancelled}, rejected ${total}${total ? ` (${rejectionWords(result.rejected)})` : ''}`;
}
