// The fleet's foundation (issue 15, Deliver 1 and 5): the `fleet` block validated like the other
// blocks, the Redis URL read from the variable it names and never shown with its password, and
// one link per runtime whose up/down state follows a real redis-server stopped and started again.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../../runtime/config/load';
import { ConfigError } from '../../runtime/config/types';
import { fleetKeys } from '../../runtime/fleet/keys';
import { RedisLink, type LinkState } from '../../runtime/fleet/redis-link';
import { FleetSettingsError, publicRedisUrl, resolveFleetSettings } from '../../runtime/fleet/settings';
import { RedisServer } from '../helpers/redis-server';
import { waitFor } from '../livekit/wait';

describe('the fleet block', () => {
  it('is optional: without it there is no fleet', () => {
    const config = parseConfigText('openrtc.json', '{}');
    assert.equal(config.fleet, undefined);
    assert.equal(resolveFleetSettings(config.fleet, {}), null);
  });

  it('fills the defaults and reads the URL from the named variable', () => {
    const config = parseConfigText('openrtc.json', '{ "fleet": { "redis_url_env": "MY_REDIS" } }');
    const settings = resolveFleetSettings(config.fleet, { MY_REDIS: ' redis://10.0.0.5:6379 ' });
    assert.deepEqual(settings, {
      redisUrl: 'redis://10.0.0.5:6379',
      keyPrefix: 'openrtc:',
      leaseTtlMs: 10_000,
      onUnavailable: 'fail_open',
    });
  });

  it('rejects bad keys with the key path and line', () => {
    const text =
      '{\n  "fleet": {\n    "redis_url_env": "R",\n    "on_unavailable": "maybe",\n    "lease_ttl_s": 1\n  }\n}';
    assert.throws(
      () => parseConfigText('openrtc.json', text),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(
          err.message,
          /openrtc\.json:4:\d+: fleet\.on_unavailable: must be one of "fail_open", "fail_closed"/,
        );
        assert.match(err.message, /openrtc\.json:5:\d+: fleet\.lease_ttl_s: must be >= 2/);
        return true;
      },
    );
    assert.throws(
      () => parseConfigText('openrtc.json', '{ "fleet": {} }'),
      /fleet: must have required property 'redis_url_env'/,
    );
    assert.throws(
      () => parseConfigText('openrtc.json', '{ "fleet": { "redis_url_env": "R", "url": "x" } }'),
      /fleet\.url: unknown key/,
    );
  });

  it('names the variable, never its value, when the URL is missing or wrong', () => {
    const cfg = { redis_url_env: 'FLEET_REDIS' };
    assert.throws(() => resolveFleetSettings(cfg, {}), /environment variable FLEET_REDIS is not set/);
    const secret = 'http://user:hunter2@redis.internal:6379';
    assert.throws(
      () => resolveFleetSettings(cfg, { FLEET_REDIS: secret }),
      (err: unknown) =>
        err instanceof FleetSettingsError &&
        /must be redis:\/\/ or rediss:\/\//.test(err.message) &&
        !err.message.includes('hunter2'),
    );
  });

  it('shows a URL without user or password', () => {
    assert.equal(publicRedisUrl('redis://default:hunter2@redis.internal:6380/2'), 'redis://redis.internal:6380/2');
    assert.equal(publicRedisUrl('not a url'), '(invalid URL)');
  });

  it('builds every key from the prefix', () => {
    const k = fleetKeys('acme:');
    assert.equal(k.tenantLeases('t1'), 'acme:lease:tenant:t1');
    assert.equal(k.agentLeases('bot'), 'acme:lease:agent:bot');
    assert.equal(k.runtimeLeases('host-1-42-ab'), 'acme:lease:runtime:host-1-42-ab');
    assert.equal(k.pattern(), 'acme:*');
  });
});

describe('the Redis link against a real redis-server', () => {
  let server: RedisServer;
  before(async () => {
    server = await RedisServer.start({ password: 'hunter2-secret' });
  });
  after(async () => {
    await server.dispose();
  });

  it('goes up, down when Redis stops, up again when it returns; status never holds the password', async () => {
    const link = new RedisLink(server.url, { maxReconnectDelayMs: 100 });
    const seen: LinkState[] = [];
    link.onState((s) => seen.push(s));
    try {
      await link.open();
      assert.equal(link.state, 'up');
      assert.equal(await link.redis.ping(), 'PONG');
      await server.stop();
      await waitFor('the link to go down', () => link.state === 'down', 5_000);
      await assert.rejects(link.redis.ping(), 'a command fails fast while down');
      await server.start();
      await waitFor('the link to come back', () => link.state === 'up', 10_000);
      assert.equal(await link.redis.ping(), 'PONG');
      assert.deepEqual(seen, ['up', 'down', 'up']);
      const status = link.status();
      assert.equal(status.reconnects, 1);
      assert.equal(status.redis, `redis://127.0.0.1:${server.port}`);
      assert.ok(!JSON.stringify(status).includes('hunter2'));
    } finally {
      await link.close();
    }
  });

  it('starts down, and keeps retrying, when Redis is not there', async () => {
    await server.stop();
    const link = new RedisLink(server.url, { maxReconnectDelayMs: 100 });
    try {
      await link.open();
      assert.equal(link.state, 'down');
      assert.ok(link.status().lastError);
      await server.start();
      await waitFor('the link to come up', () => link.state === 'up', 10_000);
    } finally {
      await link.close();
    }
  });
});
