// A tenant's fleet figures in the snapshot (issue 15, Deliver 4), declared once: what a runtime sharing
// caps and breakers through Redis reports beside its own. The runtime's own place in the fleet is
// fleet-status.ts. Absent from runtimes without a `fleet` block (caps and breakers per runtime), so
// every reader treats these fields as optional.
import type { BreakerState } from './control';

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
