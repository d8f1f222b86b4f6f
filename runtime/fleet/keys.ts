// Every Redis key OpenRTC writes, built here from `key_prefix` and nowhere else (issue 15).
// Lease sets are sorted sets: member = lease id, score = expiry in Redis server milliseconds, so a
// dead runtime's leases are recognised by their score alone and no clock but Redis's is trusted.
// Tenant ids and agent names go in verbatim: tenant ids cannot hold ':' (protocol/tenant-id.ts)
// and agent names end the key, so no two names build the same key.

export interface FleetKeys {
  /** Leases of one tenant across the fleet (tenant cap). */
  tenantLeases(tenant: string): string;
  /** Leases of one agent across the fleet (agent cap). */
  agentLeases(agent: string): string;
  /** Leases one runtime holds (its max_concurrent_sessions; what it renews). */
  runtimeLeases(runtimeId: string): string;
  /** One runtime's fleet status (JSON of protocol/fleet-status.ts), expiring with its leases. */
  runtimeInfo(runtimeId: string): string;
  /** SCAN pattern matching every runtimeInfo key. */
  runtimeInfoPattern(): string;
  /** Everything OpenRTC owns under this prefix, for SCAN (tests, `openrtc` tooling). */
  pattern(): string;
}

export function fleetKeys(prefix: string): FleetKeys {
  return {
    tenantLeases: (tenant) => `${prefix}lease:tenant:${tenant}`,
    agentLeases: (agent) => `${prefix}lease:agent:${agent}`,
    runtimeLeases: (runtimeId) => `${prefix}lease:runtime:${runtimeId}`,
    runtimeInfo: (runtimeId) => `${prefix}runtime:${runtimeId}`,
    runtimeInfoPattern: () => `${prefix}runtime:*`,
    pattern: () => `${prefix}*`,
  };
}
