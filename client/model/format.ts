// Words and numbers shown in the tree, the status bar and runbook evidence. Pure: time comes in.
import type { BreakerSnapshot, RejectionReason, TenantSnapshot } from '../../protocol/control';

/** `closed`, `open · retry in 12s`, `half-open`, or `off` when the tenant has no breaker. */
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

export function capWords(tenant: TenantSnapshot): string {
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

export function percentWords(pct: number): string {
  return `${pct < 10 ? pct.toFixed(1) : Math.round(pct)}%`;
}
