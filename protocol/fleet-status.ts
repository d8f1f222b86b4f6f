// One runtime's part in a fleet (issue 15): what the snapshot, `top` and the extension show about
// the shared Redis, and what each runtime publishes under fleetKeys().runtimeInfo(id).

export type FleetLinkState = 'connecting' | 'up' | 'down';
export type FleetUnavailableMode = 'fail_open' | 'fail_closed';
/**
 * fleet: caps hold fleet-wide (leases in Redis);
 * local_only: Redis unreachable and on_unavailable is fail_open: per-runtime limits, with a warning;
 * refusing: Redis unreachable and on_unavailable is fail_closed: new sessions refused (fleet_unavailable).
 */
export type FleetMode = 'fleet' | 'local_only' | 'refusing';

export interface FleetRuntimeStatus {
  runtime_id: string;
  /** scheme://host:port, never user or password. */
  redis: string;
  key_prefix: string;
  link: FleetLinkState;
  on_unavailable: FleetUnavailableMode;
  mode: FleetMode;
  lease_ttl_s: number;
  /** Sessions this runtime holds a lease for (or would, while Redis is away). */
  leases: number;
  /** ISO time Redis became unreachable; null while up. */
  unavailable_since: string | null;
  last_error: string | null;
  /** Times the leases were rebuilt from live sessions after Redis came back. */
  rebuilds: number;
}
