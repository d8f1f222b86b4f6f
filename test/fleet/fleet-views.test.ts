// What the views show of a fleet (issue 15, Deliver 4): `openrtc snapshot`'s FLEET and DECIDED columns
// and fleet line, `top`'s fleet lines, and the extension's tree with several runtimes side by side and
// a fleet row per tenant (here · fleet / cap · breaker). Pure: snapshots in, text and nodes out.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RuntimeSnapshot, TenantSnapshot } from '../../protocol/control';
import type { FleetRuntimeStatus } from '../../protocol/fleet-status';
import { formatSnapshot } from '../../runtime/cli/format-snapshot';
import { renderLines } from '../../runtime/cli/top-view';
import { TreeModel, tenantNodeId, workerNodeId } from '../../client/model/tree-model';
import { fleetNodeId, fleetTenantNodeId } from '../../client/model/fleet-nodes';
import { snapshot, tenant } from '../client/fixtures';

const NOW = Date.parse('2026-11-29T12:00:10.000Z');

function status(runtimeId: string, mode: FleetRuntimeStatus['mode'] = 'fleet'): FleetRuntimeStatus {
  return {
    runtime_id: runtimeId,
    redis: 'redis://10.0.0.5:6379',
    key_prefix: 'openrtc:',
    link: mode === 'fleet' ? 'up' : 'down',
    on_unavailable: 'fail_open',
    mode,
    lease_ttl_s: 10,
    leases: 0,
    unavailable_since: null,
    last_error: null,
    rebuilds: 0,
  };
}

function fleetTenant(active: number, fleetActive: number | null, open = false): TenantSnapshot {
  const t = tenant({ active, cap: 10 });
  if (open) t.breaker = { ...t.breaker, state: 'open', failures: 3, samples: 3, retry_at: '2026-11-29T12:00:40.000Z' };
  return {
    ...t,
    fleet: {
      active: fleetActive,
      cap: 10,
      breaker: {
        state: t.breaker.state,
        decided_by: open ? 'host-a-1-abc' : null,
        decided_at: open ? '2026-11-29T12:00:05.000Z' : null,
        probes: [],
        probe_here: 0,
      },
    },
  };
}

function runtimeSnapshot(
  id: string,
  tenants: Record<string, TenantSnapshot>,
  mode?: FleetRuntimeStatus['mode'],
): RuntimeSnapshot {
  return { ...snapshot(tenants), fleet: status(id, mode) };
}

describe('fleet figures in the views', () => {
  it("openrtc snapshot: the fleet line, and FLEET and DECIDED beside this runtime's ACTIVE", () => {
    const text = formatSnapshot(
      runtimeSnapshot('host-b-2-def', { acme: fleetTenant(1, 7, true), globex: fleetTenant(0, null) }),
    );
    const lines = text.split('\n');
    assert.ok(
      lines.includes('fleet openrtc: · redis://10.0.0.5:6379 · runtime host-b-2-def · caps and breakers fleet-wide'),
      text,
    );
    const header = lines.find((l) => l.startsWith('TENANT'))!;
    assert.match(
      header,
      /^TENANT\s+ACTIVE\s+FLEET\s+CAP\s+STARTED\s+FAILED\s+REJECTED\s+BREAKER\s+DECIDED\s+SLOW\s+ISOLATION$/,
    );
    assert.match(
      lines.find((l) => l.startsWith('acme'))!,
      /^acme\s+1\s+7\s+10\s+0\s+0\s+-\s+OPEN 3\/3 until 12:00:40\s+host-a-1-abc\s+0\s+coroutine$/,
    );
    // Redis away: the fleet count is unknown, not zero.
    assert.match(
      lines.find((l) => l.startsWith('globex'))!,
      /^globex\s+0\s+\?\s+10\s/,
    );
    // Without a fleet the table is as before.
    assert.doesNotMatch(formatSnapshot(snapshot({ acme: tenant() })), /FLEET|DECIDED|fleet /);
  });

  it('top: the fleet line and busy or tripped tenants as here · fleet / cap', () => {
    const top = {
      source: 'openrtc' as const,
      label: 'ws',
      unknown: [],
      snapshot: runtimeSnapshot(
        'host-b-2-def',
        { acme: fleetTenant(1, 7, true), idle: fleetTenant(0, 0) },
        'local_only',
      ),
    };
    const lines = renderLines(top, { sort: 'cpu_pct', status: 'all', tenant: null, agent: null }, 200, false);
    assert.ok(
      lines.includes(
        'fleet openrtc: · redis://10.0.0.5:6379 · runtime host-b-2-def · Redis unreachable: per-runtime limits (fail_open)',
      ),
      lines.join('\n'),
    );
    assert.ok(lines.includes('fleet tenants: acme 1 here · 7 fleet / 10 open'), lines.join('\n'));
  });

  it('the tree: three runtimes side by side, a fleet node above them with a total per tenant', () => {
    const m = new TreeModel();
    const sockets = ['/run/a.sock', '/run/b.sock', '/run/c.sock'];
    sockets.forEach((s, i) => m.addWorker(s, `rt-${'abc'[i]}`, 'attached'));
    assert.deepEqual(
      m.applySnapshot(
        sockets[0]!,
        runtimeSnapshot('host-a-1-abc', { acme: fleetTenant(2, 6, true), globex: fleetTenant(1, 1) }),
      ),
      [workerNodeId(sockets[0]!), fleetNodeId('redis://10.0.0.5:6379 openrtc:')],
    );
    m.applySnapshot(sockets[1]!, runtimeSnapshot('host-b-2-def', { acme: fleetTenant(3, 7) }));
    m.applySnapshot(sockets[2]!, runtimeSnapshot('host-c-3-123', { acme: fleetTenant(1, 7, true) }, 'local_only'));
    const roots = m.roots(NOW);
    assert.deepEqual(
      roots.map((r) => [r.kind, r.label]),
      [
        ['fleet', 'fleet openrtc:'],
        ['worker', 'rt-a'],
        ['worker', 'rt-b'],
        ['worker', 'rt-c'],
      ],
    );
    const fleet = roots[0]!;
    assert.equal(
      fleet.description,
      '3 runtimes here · 1 breaker open · Redis unreachable: per-runtime limits (fail_open)',
    );
    const rows = m.children(fleet, NOW);
    assert.deepEqual(
      rows.map((r) => [r.label, r.description]),
      [
        // 2 + 3 + 1 on the three runtimes shown; 7 in Redis; open because the fleet opened it.
        ['acme', '6 here · 7 fleet / 10 · open'],
        ['globex', '1 here · 1 fleet / 10 · closed'],
      ],
    );
    assert.match(rows[0]!.tooltip, /rt-a: 2\n {2}rt-b: 3\n {2}rt-c: 1\nbreaker: open \(decided by host-a-1-abc\)/);
    // Per runtime, each tenant row says here and fleet; the degraded runtime says so.
    const acmeOnB = m.nodeById(tenantNodeId(sockets[1]!, 'acme'), NOW)!;
    assert.match(acmeOnB.description, /3 here · 7 fleet \/ 10/);
    assert.match(
      m.nodeById(workerNodeId(sockets[2]!), NOW)!.description,
      /Redis unreachable: per-runtime limits \(fail_open\)/,
    );
    // Fleet rows resolve by id (reveal, refresh) like the others.
    assert.equal(
      m.nodeById(fleetTenantNodeId('redis://10.0.0.5:6379 openrtc:', 'acme'), NOW)?.description,
      '6 here · 7 fleet / 10 · open',
    );
    // A runtime without a fleet stays outside it.
    m.addWorker('/run/solo.sock', 'solo', 'attached');
    m.applySnapshot('/run/solo.sock', snapshot({ acme: tenant({ active: 4 }) }));
    assert.equal(m.children(m.roots(NOW)[0], NOW)[0]?.description, '6 here · 7 fleet / 10 · open');
  });
});
