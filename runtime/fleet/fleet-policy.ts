// Fleet admission decisions that need no Redis (issue 15): what a refusal says, what happens when
// Redis cannot be asked, and how often leases are renewed. Pure, so they test without a server.
import type { RejectionReason } from '../../protocol/control';
import type { FleetMode } from '../../protocol/fleet-status';
import type { Slot } from '../policy/admission';
import type { AcquireReply, LeaseCaps } from './lease-store';
import type { UnavailableMode } from './settings';

export type FleetVerdict = { ok: true; leased: boolean } | { ok: false; reason: RejectionReason; message: string };

/** The fleet's answer when the lease script ran. */
export function verdictOfReply(reply: AcquireReply, slot: Slot, caps: LeaseCaps): FleetVerdict {
  if (reply.ok) return { ok: true, leased: true };
  switch (reply.full) {
    case 'tenant':
      return {
        ok: false,
        reason: 'tenant_cap',
        message: `Rejecting session for tenant '${slot.tenant}': at fleet-wide per-tenant cap (${caps.tenant}; ${reply.active} active in the fleet).`,
      };
    case 'agent':
      return {
        ok: false,
        reason: 'agent_cap',
        message: `Rejecting session for agent '${slot.agent}': at fleet-wide per-agent cap (${caps.agent}; ${reply.active} active in the fleet).`,
      };
    case 'worker':
      return {
        ok: false,
        reason: 'worker_cap',
        message: `Rejecting session for tenant '${slot.tenant}': worker at max_concurrent_sessions (${caps.worker}) by its fleet leases.`,
      };
  }
}

/** The answer when Redis cannot be asked (link down, or the script failed or timed out). */
export function verdictWhenUnavailable(mode: UnavailableMode, slot: Slot): FleetVerdict {
  if (mode === 'fail_open') return { ok: true, leased: false };
  return {
    ok: false,
    reason: 'fleet_unavailable',
    message: `Rejecting session for tenant '${slot.tenant}': fleet store (Redis) unavailable and fleet.on_unavailable is "fail_closed".`,
  };
}

export function fleetMode(linkUp: boolean, mode: UnavailableMode): FleetMode {
  if (linkUp) return 'fleet';
  return mode === 'fail_open' ? 'local_only' : 'refusing';
}

/** Three renewals per TTL: a lease survives two lost ones, and a dead runtime's expire within the TTL. */
export function renewIntervalMs(leaseTtlMs: number): number {
  return Math.max(200, Math.floor(leaseTtlMs / 3));
}

/** The one log line a change of the link says, or null when nothing changed that an operator must know. */
export function linkChangeMessage(
  up: boolean,
  wasUp: boolean,
  mode: UnavailableMode,
  redis: string,
  error: string | null,
  rebuilt: number,
): string | null {
  if (up && !wasUp)
    return `fleet: Redis at ${redis} reachable; ${rebuilt} lease(s) rebuilt from live sessions, fleet caps hold`;
  if (!up && wasUp) {
    const why = error ? ` (${error})` : '';
    return mode === 'fail_open'
      ? `fleet: Redis at ${redis} unreachable${why}; on_unavailable=fail_open: admitting with per-runtime limits until it returns`
      : `fleet: Redis at ${redis} unreachable${why}; on_unavailable=fail_closed: refusing new sessions (fleet_unavailable) until it returns`;
  }
  return null;
}
