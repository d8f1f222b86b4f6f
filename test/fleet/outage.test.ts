// Redis stopped mid-run and started again (issue 15, Must show): with fail_open the runtimes keep
// serving on per-runtime limits and say so in the log and in their fleet status; with fail_closed
// they refuse with fleet_unavailable; once Redis is back the fleet counts are rebuilt from the live
// sessions (Redis came back empty: no persistence) and the fleet-wide cap holds again.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { fleetKeys } from '../../runtime/fleet/keys';
import { fleetTenantCounts } from '../../runtime/fleet/lease-store';
import { Runtime } from '../../runtime/runtime';
import { RedisServer } from '../helpers/redis-server';
import { waitFor } from '../livekit/wait';
import { BUSY_AGENT, makeWorkspace, type Workspace } from '../runtime/engine-workspace';

const spaces: Workspace[] = [];
const runtimes: Runtime[] = [];
const servers: RedisServer[] = [];

async function fleetOf(
  n: number,
  mode: 'fail_open' | 'fail_closed',
  prefix: string,
): Promise<{ server: RedisServer; rts: Runtime[]; ws: Workspace[] }> {
  const server = await RedisServer.start();
  servers.push(server);
  const env = { ...process.env, FLEET_REDIS: server.url };
  const config = {
    max_sessions_per_tenant: { acme: 2 },
    fleet: { redis_url_env: 'FLEET_REDIS', key_prefix: prefix, lease_ttl_s: 3, on_unavailable: mode },
  };
  const rts: Runtime[] = [];
  const ws: Workspace[] = [];
  for (let i = 0; i < n; i++) {
    const w = makeWorkspace({ 'agents/busy.ts': BUSY_AGENT('busy', 5000) }, config);
    spaces.push(w);
    ws.push(w);
    const rt = await Runtime.start({ workspaceDir: w.dir, watch: false, env });
    runtimes.push(rt);
    rts.push(rt);
  }
  return { server, rts, ws };
}

const logSays = (ws: Workspace, text: string): boolean => {
  try {
    return ws.readLog().some((r) => String(r['message']).includes(text));
  } catch {
    return false;
  }
};

async function redisCount(server: RedisServer, prefix: string, tenant: string): Promise<number> {
  const redis = new Redis(server.url);
  try {
    return (await fleetTenantCounts(redis, fleetKeys(prefix), [tenant])).get(tenant) ?? 0;
  } finally {
    redis.disconnect();
  }
}

after(async () => {
  for (const rt of runtimes) await rt.stop();
  for (const ws of spaces) ws.cleanup();
  for (const s of servers) await s.dispose();
});

describe('Redis outage with on_unavailable fail_open', () => {
  it('serves on per-runtime limits while Redis is away, then rebuilds and holds the fleet cap again', async () => {
    const { server, rts, ws } = await fleetOf(2, 'fail_open', 'open:');
    const [a, b] = rts as [Runtime, Runtime];
    assert.equal((await a.placeCall('busy', { tenant: 'acme' })).admitted, true);
    assert.equal((await a.placeCall('busy', { tenant: 'acme' })).admitted, true);
    const full = await b.placeCall('busy', { tenant: 'acme' });
    assert.equal(full.admitted === false && full.reason, 'tenant_cap', 'the fleet cap holds while Redis is up');

    await server.stop();
    await waitFor('both runtimes to see Redis gone', () => rts.every((rt) => rt.fleetStatus()?.mode === 'local_only'));
    assert.ok(b.fleetStatus()?.unavailable_since);
    // Per-runtime limits: b runs its own 2, so the fleet holds 4 while Redis is away.
    assert.equal((await b.placeCall('busy', { tenant: 'acme' })).admitted, true);
    assert.equal((await b.placeCall('busy', { tenant: 'acme' })).admitted, true);
    const local = await b.placeCall('busy', { tenant: 'acme' });
    assert.equal(local.admitted === false && local.reason, 'tenant_cap', "b's own cap still holds");
    await waitFor('the warning in the log', () =>
      logSays(ws[1]!, 'on_unavailable=fail_open: admitting with per-runtime limits'),
    );

    await server.start();
    await waitFor('both runtimes to rebuild', () => rts.every((rt) => rt.fleetStatus()?.rebuilds === 1), 15_000);
    assert.equal(await redisCount(server, 'open:', 'acme'), 4, 'every live session has its lease again');
    assert.equal(a.fleetStatus()?.mode, 'fleet');
    await waitFor('the recovery in the log', () => logSays(ws[0]!, 'lease(s) rebuilt from live sessions'));
    const refused = await a.placeCall('busy', { tenant: 'acme' });
    assert.equal(refused.admitted === false && refused.reason, 'tenant_cap', 'the fleet cap holds again (4 live > 2)');
  });
});

describe('Redis outage with on_unavailable fail_closed', () => {
  it('refuses with fleet_unavailable while Redis is away and admits again once it is back', async () => {
    const { server, rts, ws } = await fleetOf(1, 'fail_closed', 'closed:');
    const rt = rts[0]!;
    assert.equal((await rt.placeCall('busy', { tenant: 'acme' })).admitted, true);
    await server.stop();
    await waitFor('the runtime to see Redis gone', () => rt.fleetStatus()?.mode === 'refusing');
    const refused = await rt.placeCall('busy', { tenant: 'acme' });
    assert.equal(refused.admitted === false && refused.reason, 'fleet_unavailable');
    assert.equal(rt.snapshot().tenants['acme']?.rejections_by_reason.fleet_unavailable, 1);
    await waitFor(
      'the refusal and the warning in the log',
      () =>
        logSays(ws[0]!, 'on_unavailable=fail_closed: refusing new sessions') &&
        logSays(ws[0]!, 'fleet store (Redis) unavailable and fleet.on_unavailable is "fail_closed"'),
    );
    await server.start();
    await waitFor(
      'the runtime to rebuild',
      () => rt.fleetStatus()?.mode === 'fleet' && rt.fleetStatus()?.rebuilds === 1,
      15_000,
    );
    assert.equal(
      await redisCount(server, 'closed:', 'acme'),
      1,
      'the session admitted before the outage has its lease again',
    );
    assert.equal((await rt.placeCall('busy', { tenant: 'acme' })).admitted, true);
  });
});
