// The tree's fleet rows (issue 15, Deliver 4): runtimes that share caps and breakers through one Redis
// (same address and key prefix) are grouped under a fleet node listed above the workers, with one row
// per tenant: the sessions of the runtimes shown here, the fleet-wide count from Redis, the cap and the
// fleet breaker. Pure, like tree-model.ts: workers' states in, nodes out.
import type { TenantSnapshot } from '../../protocol/control';
import type { FleetRuntimeStatus } from '../../protocol/fleet-status';
import { BREAKER_STATE_WORDS, FLEET_MODE_WORDS, fleetBreakerWords } from '../../protocol/wording';
import type { TreeNode } from './tree-model';
import type { WorkerState } from './worker-state';

export const fleetNodeId = (fleetKey: string): string => `f|${fleetKey}`;
export const fleetTenantNodeId = (fleetKey: string, tenant: string): string => `g|${fleetKey}|${tenant}`;

/** Which fleet a worker belongs to: Redis address and key prefix (never a password: status.redis has none). */
export function fleetKeyOf(w: WorkerState): string | null {
  const f = w.summary?.fleet;
  return f ? `${f.redis} ${f.key_prefix}` : null;
}

export interface FleetGroup {
  key: string;
  status: FleetRuntimeStatus;
  workers: WorkerState[];
}

/** Connected workers in a fleet, grouped; a fleet of one runtime is a group too (its totals are still the fleet's). */
export function fleetGroups(workers: readonly WorkerState[]): FleetGroup[] {
  const groups = new Map<string, FleetGroup>();
  for (const w of workers) {
    const key = fleetKeyOf(w);
    const status = w.summary?.fleet;
    if (key === null || !status || w.connection !== 'connected') continue;
    const g = groups.get(key) ?? { key, status, workers: [] };
    g.workers.push(w);
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => a.key.localeCompare(b.key));
}

export interface FleetTenantTotal {
  tenant: string;
  /** Sessions on the runtimes shown in this window. */
  here: number;
  /** Leases in Redis as the freshest runtime reported them; null when none could reach Redis. */
  fleet: number | null;
  cap: number | null;
  breaker: TenantSnapshot['breaker'];
  fleetBreaker: NonNullable<TenantSnapshot['fleet']>['breaker'] | null;
  /** Runtime label → its own active count, for the tooltip. */
  perWorker: [string, number][];
}

export function fleetTenantTotals(g: FleetGroup): FleetTenantTotal[] {
  const totals = new Map<string, FleetTenantTotal>();
  for (const w of g.workers) {
    for (const [tenant, t] of w.tenants) {
      const total = totals.get(tenant) ?? {
        tenant,
        here: 0,
        fleet: null,
        cap: t.fleet?.cap ?? t.cap,
        breaker: t.breaker,
        fleetBreaker: t.fleet?.breaker ?? null,
        perWorker: [],
      };
      total.here += t.active;
      total.perWorker.push([w.label, t.active]);
      // Every runtime reads the same Redis; the largest report is the freshest lower bound.
      if (t.fleet?.active != null) total.fleet = Math.max(total.fleet ?? 0, t.fleet.active);
      // A breaker the fleet tripped shows as tripped even if one runtime has not heard yet.
      if (t.breaker.state !== 'closed' && total.breaker.state === 'closed') {
        total.breaker = t.breaker;
        total.fleetBreaker = t.fleet?.breaker ?? total.fleetBreaker;
      }
      totals.set(tenant, total);
    }
  }
  return [...totals.values()].sort((a, b) => (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : 0));
}

export function fleetNode(g: FleetGroup): TreeNode {
  const modes = new Set(g.workers.map((w) => w.summary?.fleet?.mode ?? 'fleet'));
  const degraded = [...modes].filter((m) => m !== 'fleet');
  const tripped = fleetTenantTotals(g).filter((t) => t.breaker.state !== 'closed').length;
  const description =
    `${g.workers.length} runtime${g.workers.length === 1 ? '' : 's'} here` +
    (tripped ? ` · ${tripped} breaker${tripped > 1 ? 's' : ''} open` : '') +
    (degraded.length ? ` · ${degraded.map((m) => FLEET_MODE_WORDS[m]).join(', ')}` : '');
  return {
    id: fleetNodeId(g.key),
    kind: 'fleet',
    label: `fleet ${g.status.key_prefix}`,
    description,
    tooltip: [
      `fleet ${g.status.key_prefix} on ${g.status.redis}`,
      ...g.workers.map(
        (w) =>
          `${w.label}: runtime ${w.summary?.fleet?.runtime_id ?? '?'} · ${FLEET_MODE_WORDS[w.summary?.fleet?.mode ?? 'fleet']}`,
      ),
      'Totals below are per tenant: sessions on the runtimes shown here, and fleet-wide from Redis.',
    ].join('\n'),
    icon: degraded.length ? { id: 'warning', color: 'list.warningForeground' } : { id: 'server-environment' },
    contextValue: 'openrtc.fleet',
    collapsible: true,
    workerId: '',
    tenant: null,
    sessionId: null,
  };
}

export function fleetTenantNode(g: FleetGroup, t: FleetTenantTotal): TreeNode {
  const cap = t.cap === null ? '∞' : String(t.cap);
  const state = t.breaker.enabled ? BREAKER_STATE_WORDS[t.breaker.state] : 'breaker off';
  const fleetWords = t.fleetBreaker ? fleetBreakerWords(t.fleetBreaker) : null;
  return {
    id: fleetTenantNodeId(g.key, t.tenant),
    kind: 'fleetTenant',
    label: t.tenant,
    description: `${t.here} here · ${t.fleet ?? '?'} fleet / ${cap} · ${state}`,
    tooltip: [
      `tenant ${t.tenant} in fleet ${g.status.key_prefix}`,
      `active: ${t.here} on the runtimes shown here, ${t.fleet ?? 'unknown (Redis unreachable)'} in the fleet, cap ${cap}`,
      ...t.perWorker.map(([label, n]) => `  ${label}: ${n}`),
      `breaker: ${state}${fleetWords ? ` (${fleetWords})` : ''}`,
    ].join('\n'),
    icon:
      t.breaker.state === 'open'
        ? { id: 'error', color: 'errorForeground' }
        : t.breaker.state === 'half_open'
          ? { id: 'warning', color: 'list.warningForeground' }
          : { id: 'organization' },
    contextValue: 'openrtc.fleetTenant',
    collapsible: false,
    workerId: '',
    tenant: t.tenant,
    sessionId: null,
  };
}
