// What a client shows for a tenant it knows nothing about yet (heard of through an event, or from a
// Python worker that reports no breaker): zeros and a disabled breaker, one shape for every client.
import type { BreakerSnapshot, TenantSnapshot } from './control';

/** The runtime's breaker cooldown when openrtc.json does not set one. */
export const DEFAULT_BREAKER_COOLDOWN_S = 30;

/** A breaker nobody has reported: off, closed, no counts, the default cooldown. */
export function unknownBreaker(): BreakerSnapshot {
  return {
    enabled: false,
    state: 'closed',
    failures: 0,
    samples: 0,
    retry_at: null,
    cooldown_s: DEFAULT_BREAKER_COOLDOWN_S,
    times_opened: 0,
  };
}

/** A tenant with nothing reported yet: zeros until a snapshot fills it in. */
export function unknownTenant(): TenantSnapshot {
  return {
    active: 0,
    cap: null,
    failures: 0,
    started: 0,
    rejections_by_reason: {},
    breaker: unknownBreaker(),
    isolation: 'coroutine',
    slow_sessions: 0,
  };
}
