// Issue 15's breaker "Must show", with three real Runtimes on one config and one real redis-server: a
// tenant failing on one runtime opens its breaker on all three, the other two refuse it within 1 s,
// the fleet runs one probe after the cooldown, healthy tenants are untouched. Then tenant changes made
// on one runtime (what `openrtc tenant` and the extension send) hold on all three.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RuntimeEvent } from '../../protocol/control';
import { Runtime } from '../../runtime/runtime';
import { RedisServer } from '../helpers/redis-server';
import { waitFor } from '../livekit/wait';
import { makeWorkspace, type Workspace } from '../runtime/engine-workspace';

const MOODY = `
import { defineAgent } from 'openrtc';
export default defineAgent({
  name: 'moody',
  async entry(ctx) {
    if (ctx.metadata.fail) throw new Error('provider down for ' + ctx.tenant);
    await new Promise((resolve) => setTimeout(resolve, Number(ctx.metadata.hold_ms ?? 0)));
  },
});
`;

describe('fleet breakers across three runtimes', () => {
  let server: RedisServer;
  const spaces: Workspace[] = [];
  const runtimes: Runtime[] = [];
  const events: RuntimeEvent[][] = [];
  before(async () => {
    server = await RedisServer.start();
    const env = { ...process.env, FLEET_REDIS: server.url };
    const config = {
      enable_tenant_circuit_breaker: true,
      tenant_circuit_min_samples: 3,
      tenant_circuit_failure_ratio: 0.5,
      tenant_circuit_cooldown_s: 2,
      // Probes decide when they end, not by lasting long.
      tenant_circuit_success_after_s: 30,
      fleet: { redis_url_env: 'FLEET_REDIS', key_prefix: 'must:', lease_ttl_s: 5 },
    };
    for (let i = 0; i < 3; i++) {
      const ws = makeWorkspace({ 'agents/moody.ts': MOODY }, config);
      spaces.push(ws);
      const rt = await Runtime.start({ workspaceDir: ws.dir, watch: false, env });
      const seen: RuntimeEvent[] = [];
      rt.onEvent((e) => seen.push(e));
      events.push(seen);
      runtimes.push(rt);
    }
    await waitFor('three runtimes in the fleet', () => runtimes.every((rt) => rt.fleetStatus()?.mode === 'fleet'));
  });
  after(async () => {
    for (const rt of runtimes) await rt.stop();
    for (const ws of spaces) ws.cleanup();
    await server.dispose();
  });

  it("one runtime's failures open the tenant on all three; one probe for the fleet; others untouched", async (t) => {
    const [a, b, c] = runtimes as [Runtime, Runtime, Runtime];
    const idA = a.fleetStatus()!.runtime_id;
    const failed = await a.startCalls({
      agent: 'moody',
      tenant: 'acme',
      metadata: { fail: true },
      count: 3,
      concurrency: 1,
    });
    assert.equal(failed.failed, 3);
    await waitFor('rt-a deciding the opening', () => events[0]!.some((e) => e.type === 'breaker_opened'));
    // The decision's time as rt-a stamped its event: the clock the refusals are measured against.
    const decidedAt = Date.parse(events[0]!.find((e) => e.type === 'breaker_opened')!.ts);
    const refusedAfter = new Map<Runtime, number>();
    await waitFor(
      'rt-b and rt-c refusing acme',
      () => {
        for (const rt of [b, c]) {
          if (refusedAfter.has(rt)) continue;
          void rt.placeCall('moody', { tenant: 'acme' }).then((x) => {
            if (!x.admitted && x.reason === 'circuit_open' && !refusedAfter.has(rt))
              refusedAfter.set(rt, Date.now() - decidedAt);
          });
        }
        return refusedAfter.size === 2;
      },
      5000,
    );
    const delays = [...refusedAfter.values()];
    t.diagnostic(`rt-b, rt-c refused acme ${delays.join(', ')} ms after rt-a's decision`);
    for (const d of delays) assert.ok(d < 1000, `refused ${d} ms after the decision`);
    // Decided once, reported by all three with the decider's id, in the event stream and the log.
    await waitFor('every runtime reporting the opening', () =>
      events.every((es) => es.some((e) => e.type === 'breaker_opened')),
    );
    for (const [i, rt] of runtimes.entries()) {
      assert.equal(events[i]!.filter((e) => e.type === 'breaker_opened').length, 1);
      const acme = rt.snapshot().tenants['acme'];
      assert.equal(acme?.breaker.state, 'open');
      assert.equal(acme?.fleet?.breaker.decided_by, idA);
    }
    await waitFor('the log lines', () =>
      spaces.every((ws) =>
        ws.readLog().some((r) => String(r['message']).includes(`opened fleet-wide (decided by ${idA})`)),
      ),
    );
    // Healthy tenants: untouched on every runtime.
    for (const rt of runtimes) assert.equal((await rt.placeCall('moody', { tenant: 'globex' })).admitted, true);

    // After the cooldown: calls arrive at all three; exactly one becomes the fleet's probe.
    await waitFor(
      'half-open everywhere',
      () => runtimes.every((rt) => rt.snapshot().tenants['acme']?.breaker.state === 'half_open'),
      6000,
    );
    let admitted = 0;
    const until = Date.now() + 1500;
    while (Date.now() < until) {
      for (const rt of runtimes) {
        const x = await rt.placeCall('moody', { tenant: 'acme', hold_ms: 2500 });
        if (x.admitted) admitted++;
      }
      await new Promise((r) => setTimeout(r, 30));
    }
    assert.equal(admitted, 1, 'one probe for the fleet');
    const probeLines = (): number =>
      spaces.flatMap((ws) => ws.readLog()).filter((r) => String(r['message']).includes('tenant=acme probe)')).length;
    await waitFor('the probe in a log', () => probeLines() > 0);
    assert.equal(probeLines(), 1);
    // The probe succeeds: closed on all three, acme admitted everywhere again.
    await waitFor(
      'closed everywhere',
      () => runtimes.every((rt) => rt.snapshot().tenants['acme']?.breaker.state === 'closed'),
      6000,
    );
    for (const rt of runtimes) assert.equal((await rt.placeCall('moody', { tenant: 'acme' })).admitted, true);
    for (const es of events) {
      assert.deepEqual(
        es.filter((e) => e.type.startsWith('breaker_') && 'tenant' in e && e.tenant === 'acme').map((e) => e.type),
        ['breaker_opened', 'breaker_half_open', 'breaker_closed'],
      );
      assert.equal(es.filter((e) => e.type.startsWith('breaker_') && 'tenant' in e && e.tenant === 'globex').length, 0);
    }
  });

  it('a cap or breaker change made on one runtime holds on all three, with the fleet figures in each snapshot', async () => {
    const [a, b, c] = runtimes as [Runtime, Runtime, Runtime];
    a.setTenantCap({ tenant: 'initech', cap: 2 });
    b.setBreaker({ tenant: 'initech', cooldown_s: 42, min_samples: 9 });
    await waitFor('the cap and breaker settings everywhere', () =>
      runtimes.every((rt) => {
        const t = rt.snapshot().tenants['initech'];
        return t?.cap === 2 && t.breaker.cooldown_s === 42;
      }),
    );
    // The fleet cap holds: two sessions on two runtimes fill it for the third.
    assert.equal((await a.placeCall('moody', { tenant: 'initech', hold_ms: 1500 })).admitted, true);
    assert.equal((await b.placeCall('moody', { tenant: 'initech', hold_ms: 1500 })).admitted, true);
    const third = await c.placeCall('moody', { tenant: 'initech' });
    assert.deepEqual([third.admitted, !third.admitted && third.reason], [false, 'tenant_cap']);
    await waitFor('fleet active 2 in the third snapshot', () => c.snapshot().tenants['initech']?.fleet?.active === 2);
    const view = c.snapshot().tenants['initech']!;
    assert.equal(view.active, 0, 'none here');
    assert.equal(view.fleet?.cap, 2);
    assert.equal(c.snapshot().fleet?.mode, 'fleet');
    // Removing the cap on the third runtime removes it everywhere.
    c.setTenantCap({ tenant: 'initech', cap: null });
    await waitFor('no cap anywhere', () => runtimes.every((rt) => rt.snapshot().tenants['initech']?.cap === null));
  });
});
