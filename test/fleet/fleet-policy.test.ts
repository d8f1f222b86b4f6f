// The fleet's pure decisions (issue 15): refusal wording and reasons, the fail modes, the renewal
// cadence and the one log line per change of the Redis link. No Redis needed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  fleetMode,
  linkChangeMessage,
  renewIntervalMs,
  verdictOfReply,
  verdictWhenUnavailable,
} from '../../runtime/fleet/fleet-policy';
import { newRuntimeId } from '../../runtime/fleet/runtime-id';

const slot = { tenant: 'acme', agent: 'bot', probe: false };
const caps = { tenant: 3, agent: 4, worker: 10 };

describe('fleet policy', () => {
  it('maps a full count to the same reason local admission uses, saying fleet-wide', () => {
    assert.deepEqual(verdictOfReply({ ok: true, tenantActive: 1, agentActive: 1, workerActive: 1 }, slot, caps), {
      ok: true,
      leased: true,
    });
    const tenant = verdictOfReply({ ok: false, full: 'tenant', active: 3 }, slot, caps);
    assert.deepEqual(tenant, {
      ok: false,
      reason: 'tenant_cap',
      message: "Rejecting session for tenant 'acme': at fleet-wide per-tenant cap (3; 3 active in the fleet).",
    });
    const agent = verdictOfReply({ ok: false, full: 'agent', active: 4 }, slot, caps);
    assert.equal(agent.ok === false && agent.reason, 'agent_cap');
    const worker = verdictOfReply({ ok: false, full: 'worker', active: 10 }, slot, caps);
    assert.equal(worker.ok === false && worker.reason, 'worker_cap');
  });

  it('fail_open admits without a lease; fail_closed refuses with fleet_unavailable', () => {
    assert.deepEqual(verdictWhenUnavailable('fail_open', slot), { ok: true, leased: false });
    const closed = verdictWhenUnavailable('fail_closed', slot);
    assert.equal(closed.ok === false && closed.reason, 'fleet_unavailable');
    assert.equal(fleetMode(true, 'fail_closed'), 'fleet');
    assert.equal(fleetMode(false, 'fail_open'), 'local_only');
    assert.equal(fleetMode(false, 'fail_closed'), 'refusing');
  });

  it('renews three times per TTL, never more often than every 200 ms', () => {
    assert.equal(renewIntervalMs(10_000), 3333);
    assert.equal(renewIntervalMs(300), 200);
  });

  it('says each change of the link once, naming the mode and never a password', () => {
    const down = linkChangeMessage(false, true, 'fail_open', 'redis://r:6379', 'connect ECONNREFUSED', 0);
    assert.match(
      down ?? '',
      /unreachable \(connect ECONNREFUSED\); on_unavailable=fail_open: admitting with per-runtime limits/,
    );
    assert.match(
      linkChangeMessage(false, true, 'fail_closed', 'redis://r:6379', null, 0) ?? '',
      /refusing new sessions \(fleet_unavailable\)/,
    );
    assert.match(linkChangeMessage(true, false, 'fail_open', 'redis://r:6379', null, 7) ?? '', /7 lease\(s\) rebuilt/);
    assert.equal(linkChangeMessage(true, true, 'fail_open', 'redis://r:6379', null, 0), null);
  });

  it('names a runtime by host, pid and a random tail, safe for keys', () => {
    const a = newRuntimeId('web 1:prod', 42);
    assert.match(a, /^web_1_prod-42-[0-9a-f]{6}$/);
    assert.notEqual(a, newRuntimeId('web 1:prod', 42));
  });
});
