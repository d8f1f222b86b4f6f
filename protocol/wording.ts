// The words the CLI and the extension both show for the same facts (breaker state and counts,
// caps, rejections, durations, a batch of test calls), written once so the two never drift apart.
// Pure: time comes in.
import type { BreakerSnapshot, RejectionReason, StartCallsResult, TenantSnapshot } from './control';

/** While closed the counts are the live window; once it opens the window restarts, so they are the ones it opened on. */
export function breakerCountsWords(b: BreakerSnapshot): string {
  return b.state === 'closed'
    ? `${b.failures}/${b.samples} failures in window`
    : `opened on ${b.failures}/${b.samples} failures`;
}

/** `closed`, `open · retry in 12s`, `half-open`, or `breaker off` when the tenant has no breaker. */
export function breakerWords(breaker: BreakerSnapshot, nowMs: number): string {
  if (!breaker.enabled) return 'breaker off';
  switch (breaker.state) {
    case 'closed':
      return 'closed';
    case 'half_open':
      return 'half-open';
    case 'open': {
      if (breaker.retry_at === null) return 'open';
      const retryMs = Date.parse(breaker.retry_at) - nowMs;
      return `open · retry in ${Math.max(0, Math.ceil(retryMs / 1000))}s`;
    }
  }
}

export function capWords(tenant: Pick<TenantSnapshot, 'active' | 'cap'>): string {
  return `${tenant.active}/${tenant.cap === null ? '∞' : tenant.cap}`;
}

export function totalRejections(rejections: Partial<Record<RejectionReason, number>>): number {
  let total = 0;
  for (const count of Object.values(rejections)) total += count ?? 0;
  return total;
}

export function rejectionWords(rejections: Partial<Record<RejectionReason, number>>): string {
  const parts = Object.entries(rejections)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([reason, n]) => `${reason.replace(/_/g, ' ')}: ${n}`);
  return parts.length ? parts.join(', ') : 'none';
}

/** 4s, 2m05s, 1h02m: short enough for a tree description. */
export function durationWords(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** One line for a batch of test calls (`openrtc call`, "OpenRTC: Start Test Calls"). */
export function summarizeCalls(result: StartCallsResult): string {
  const total = totalRejections(result.rejected);
  return `started ${result.started}, succeeded ${result.succeeded}, failed ${result.failed}, cancelled ${result.cancelled}, rejected ${total}${total ? ` (${rejectionWords(result.rejected)})` : ''}`;
}
