// Tenant ids come from dispatch metadata, so a caller that mints them (a bug that sends a
// session id as the tenant) would grow every per-tenant counter map without bound, and the
// snapshot with it. The runtime keeps per-tenant detail for the `limit` tenants seen most
// recently, and always for tenants in use now (pinned: live sessions, a cap or breaker of their
// own, a breaker with a window, a process of their own); an older idle tenant is folded: its
// counts move into one aggregate, so totals still equal what the log says. Pure; no clock.
import type { RejectionReason } from '../../protocol/control';

export const DEFAULT_RETAINED_TENANTS = 10_000;
/** Entries looked at per touch when pinned tenants crowd the oldest end: bounds the work of one call. */
const MAX_STEPS_PER_TOUCH = 8;

export function addRejections(
  into: Partial<Record<RejectionReason, number>>,
  counts: Partial<Record<RejectionReason, number>>,
): void {
  for (const [reason, n] of Object.entries(counts) as [RejectionReason, number][])
    into[reason] = (into[reason] ?? 0) + n;
}

export class TenantRetention {
  /** Insertion order is recency: a touch moves a tenant to the end. */
  private readonly recent = new Set<string>();

  constructor(
    private readonly limit: number,
    private readonly isPinned: (tenant: string) => boolean,
    private readonly fold: (tenant: string) => void,
  ) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`retained tenant limit must be a whole number of at least 1, got ${limit}`);
  }

  get size(): number {
    return this.recent.size;
  }

  /** A call for `tenant` arrived; folds the oldest idle tenants beyond the limit. */
  touch(tenant: string): void {
    this.recent.delete(tenant);
    this.recent.add(tenant);
    let steps = 0;
    for (const oldest of this.recent) {
      if (this.recent.size <= this.limit || steps++ >= MAX_STEPS_PER_TOUCH || oldest === tenant) break;
      this.recent.delete(oldest);
      if (this.isPinned(oldest))
        this.recent.add(oldest); // in use now: it goes to the recent end
      else this.fold(oldest);
    }
  }
}
