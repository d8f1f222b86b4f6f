// The fleet's part of the snapshot (issue 15, Deliver 4), declared once: what a runtime sharing caps
// and breakers through Redis reports beside its own figures. Absent from runtimes without a `fleet`
// block (their caps and breakers are per runtime), so every reader treats these fields as optional.
import type { BreakerState } from './control';

/** This runtime's place in the fleet (RuntimeSnapshot.fleet). Never a URL with credentials. */
export interface FleetSnapshot {
  /** This runtime's id in Redis: what `decided_by` and probe owners name. */
  runtime_id: string;
  key_prefix: string;
  /** host:port of Redis, no user or password. */
  redis: string;
  link: 'connecting' | 'up' | 'down';
  on_unavailable: 'fail_open' | 'fail_closed';
  /**
   * fleet: caps and breakers hold fleet-wide. per_runtime: Redis is away and `fail_open` applies this
   * runtime's own limits. refusing: Redis is away and `fail_closed` refuses new sessions.
   */
  mode: 'fleet' | 'per_runtime' | 'refusing';
}

/** The fleet breaker as the shared record has it (TenantFleetSnapshot.breaker). */
export interface FleetBreakerView {
  state: BreakerState;
  /** The runtime whose decision the current state is; null before the first decision. */
  decided_by: string | null;
  decided_at: string | null;
  /** Runtimes holding a half-open probe claim, one entry per claim. */
  probes: string[];
  /** Probe sessions running on this runtime. */
  probe_here: number;
}

/** One tenant's fleet figures (TenantSnapshot.fleet); `active` on the tenant itself is this runtime's. */
export interface TenantFleetSnapshot {
  /** Sessions of the tenant across the fleet (its leases in Redis); null while Redis is away. */
  active: number | null;
  /** The cap that holds fleet-wide (the same on every runtime: tenant settings are shared). */
  cap: number | null;
  breaker: FleetBreakerView;
}
