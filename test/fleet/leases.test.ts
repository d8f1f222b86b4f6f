// Global caps by leases (issue 15, Deliver 2) against a real redis-server: one script per decision
// keeps tenant, agent and worker counts exact across runtimes deciding at the same moment; leases
// expire when nobody renews them; a released lease is gone. Then two Runtimes in this process on
// one config share one tenant cap, as two `openrtc run` would.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { fleetKeys } from '../../runtime/fleet/keys';
import { LeaseStore, fleetTenantCounts, type LeaseRef } from '../../runtime/fleet/lease-store';
import { Runtime } from '../../runtime/runtime';
import { RedisServer } from '../helpers/redis-server';
import { waitFor } from '../livekit/wait';
import { BUSY_AGENT, makeWorkspace, type Workspace } from '../runtime/engine-workspace';

describe('lease scripts on a real Redis', () => {
  let server: RedisServer;
  const clients: Redis[] = [];
  const connect = (): Redis => {
    const r = new Redis(server.url);
    clients.push(r);
    return r;
  };
  before(async () => {
    server = await RedisServer.start();
  });
  after(async () => {
    for (const c of clients) c.disconnect();
    await server.dispose();
  });

  it('300 simultaneous decisions from three runtimes admit exactly the tenant cap', async () => {
    const keys = fleetKeys('t1:');
    const stores = ['rt-a', 'rt-b', 'rt-c'].map((id) => new LeaseStore(connect(), keys, id));
    const replies = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        stores[i % 3]!.acquire({ id: `l${i}`, tenant: 'acme', agent: 'bot' }, 10_000, {
          tenant: 7,
          agent: null,
          worker: 100,
        }),
      ),
    );
    assert.equal(replies.filter((r) => r.ok).length, 7);
    const full = replies.find((r) => !r.ok);
    assert.deepEqual(full, { ok: false, full: 'tenant', active: 7 });
    const counts = await fleetTenantCounts(connect(), keys, ['acme', 'other']);
    assert.deepEqual(
      [...counts],
      [
        ['acme', 7],
        ['other', 0],
      ],
    );
  });

  it('checks tenant, then agent, then worker, and takes nothing when one is full', async () => {
    const keys = fleetKeys('t2:');
    const redis = connect();
    const store = new LeaseStore(redis, keys, 'rt');
    const caps = { tenant: 3, agent: 2, worker: 1 };
    assert.equal((await store.acquire({ id: 'a', tenant: 'x', agent: 'bot' }, 10_000, caps)).ok, true);
    assert.deepEqual(await store.acquire({ id: 'b', tenant: 'x', agent: 'bot' }, 10_000, { ...caps, worker: 5 }), {
      ok: true,
      tenantActive: 2,
      agentActive: 2,
      workerActive: 2,
    });
    assert.deepEqual(await store.acquire({ id: 'c', tenant: 'x', agent: 'bot' }, 10_000, { ...caps, worker: 5 }), {
      ok: false,
      full: 'agent',
      active: 2,
    });
    assert.deepEqual(await store.acquire({ id: 'd', tenant: 'y', agent: 'other' }, 10_000, caps), {
      ok: false,
      full: 'worker',
      active: 2,
    });
    // Nothing of the refused ones was written.
    assert.deepEqual(await redis.zrange(keys.tenantLeases('y'), 0, -1), []);
    assert.deepEqual(await redis.zrange(keys.tenantLeases('x'), 0, -1), ['a', 'b']);
  });

  it('a lease nobody renews expires after its TTL, and its sets vanish with it', async () => {
    const keys = fleetKeys('t3:');
    const redis = connect();
    const store = new LeaseStore(redis, keys, 'dead');
    const caps = { tenant: 1, agent: null, worker: 10 };
    assert.equal((await store.acquire({ id: 'x1', tenant: 'acme', agent: 'bot' }, 300, caps)).ok, true);
    assert.equal((await store.acquire({ id: 'x2', tenant: 'acme', agent: 'bot' }, 300, caps)).ok, false);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal((await fleetTenantCounts(redis, keys, ['acme'])).get('acme'), 0);
    assert.deepEqual(await redis.keys(keys.pattern()), [], 'no key outlives its last lease');
    const other = new LeaseStore(redis, keys, 'alive');
    assert.equal((await other.acquire({ id: 'y1', tenant: 'acme', agent: 'bot' }, 10_000, caps)).ok, true);
  });

  it('renewal extends leases (and re-creates lost ones); release removes them from every set', async () => {
    const keys = fleetKeys('t4:');
    const redis = connect();
    const store = new LeaseStore(redis, keys, 'rt');
    const lease: LeaseRef = { id: 'r1', tenant: 'acme', agent: 'bot' };
    await store.acquire(lease, 300, { tenant: 5, agent: null, worker: 5 });
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(await store.renew([lease], 300, '{"runtime_id":"rt"}'), 1);
    }
    assert.equal((await fleetTenantCounts(redis, keys, ['acme'])).get('acme'), 1, 'alive after 600 ms of a 300 ms TTL');
    assert.equal(await redis.get(keys.runtimeInfo('rt')), '{"runtime_id":"rt"}');
    await redis.flushall();
    await store.renew([lease], 10_000, '{}');
    assert.equal((await fleetTenantCounts(redis, keys, ['acme'])).get('acme'), 1, 'rebuilt after Redis lost it');
    await store.release(lease);
    await redis.del(keys.runtimeInfo('rt'));
    assert.deepEqual(await redis.keys(keys.pattern()), []);
  });
});

describe('two runtimes on one config share one tenant cap', () => {
  let server: RedisServer;
  const spaces: Workspace[] = [];
  const runtimes: Runtime[] = [];
  before(async () => {
    server = await RedisServer.start();
  });
  after(async () => {
    for (const rt of runtimes) await rt.stop();
    for (const ws of spaces) ws.cleanup();
    await server.dispose();
  });

  it('a cap of 3 admits 3 across both, refuses the rest as fleet-wide, and frees the slots at the end', async () => {
    const env = { ...process.env, FLEET_REDIS: server.url };
    const config = {
      max_sessions_per_tenant: { acme: 3 },
      fleet: { redis_url_env: 'FLEET_REDIS', key_prefix: 'two:', lease_ttl_s: 5 },
    };
    for (let i = 0; i < 2; i++) {
      const ws = makeWorkspace({ 'agents/hold.ts': BUSY_AGENT('hold', 1500) }, config);
      spaces.push(ws);
      runtimes.push(await Runtime.start({ workspaceDir: ws.dir, watch: false, env }));
    }
    const [a, b] = runtimes as [Runtime, Runtime];
    assert.equal(a.fleetStatus()?.mode, 'fleet');
    const attempts = [];
    for (let i = 0; i < 4; i++) attempts.push(await a.placeCall('hold', { tenant: 'acme' }));
    for (let i = 0; i < 4; i++) attempts.push(await b.placeCall('hold', { tenant: 'acme' }));
    assert.equal(attempts.filter((x) => x.admitted).length, 3);
    assert.deepEqual(
      attempts.filter((x) => !x.admitted).map((x) => !x.admitted && x.reason),
      Array(5).fill('tenant_cap'),
    );
    const redis = new Redis(server.url);
    try {
      const keys = fleetKeys('two:');
      assert.equal((await fleetTenantCounts(redis, keys, ['acme'])).get('acme'), 3);
      const fleetRefusals = (): number =>
        spaces[1]!.readLog().filter((r) => String(r['message']).includes('fleet-wide per-tenant cap')).length;
      // The log is flushed on a short timer.
      await waitFor('the refusals in the log', () => fleetRefusals() >= 4);
      assert.equal(fleetRefusals(), 4, 'the second runtime was refused by the fleet, not by its own count');
      assert.equal(b.snapshot().tenants['acme']?.rejections_by_reason.tenant_cap, 4);
      await waitFor('the sessions to end', () => a.sessions().length === 0);
      let count = -1;
      for (let i = 0; i < 50 && count !== 0; i++) {
        count = (await fleetTenantCounts(redis, keys, ['acme'])).get('acme') ?? -1;
        if (count !== 0) await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(count, 0);
      const again = await b.placeCall('hold', { tenant: 'acme' });
      assert.equal(again.admitted, true, 'the freed slot is usable from the other runtime');
    } finally {
      redis.disconnect();
    }
  });
});
