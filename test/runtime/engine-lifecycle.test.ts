import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ControlError, ErrorCodes, PROTOCOL_VERSION, type RuntimeEvent } from '../../protocol/control';
import { Runtime } from '../../runtime/runtime';
import { BUSY_AGENT, HOLD_AGENT, makeWorkspace } from './engine-workspace';

describe('runtime lifecycle', () => {
  it('drain refuses new sessions, lets short calls finish, cancels the rest at the timeout', async () => {
    const ws = makeWorkspace({
      'agents/short.ts': BUSY_AGENT('short', 100),
      'agents/endless.ts': HOLD_AGENT('endless', 60_000),
    });
    const rt = await Runtime.start({ workspaceDir: ws.dir, watch: false });
    const events: RuntimeEvent[] = [];
    rt.onEvent((e) => events.push(e));
    try {
      const short = rt.startCalls({ agent: 'short', tenant: 'acme', count: 3 });
      // The caller thinks for a minute before its first turn: these calls outlive the drain timeout.
      const endless = rt.startCalls({ agent: 'endless', tenant: 'acme', count: 2, say: ['hello?'], think_ms: 60_000 });
      await new Promise((r) => setTimeout(r, 20));
      const t0 = performance.now();
      const drained = rt.drain({ timeout_s: 0.5 });
      assert.equal(rt.snapshot().draining, true);
      const refused = await rt.startCalls({ agent: 'short', tenant: 'acme' });
      assert.deepEqual(refused.rejected, { draining: 1 });
      await drained;
      const took = performance.now() - t0;
      assert.deepEqual([(await short).succeeded, (await endless).cancelled], [3, 2]);
      assert.ok(took >= 450, `waited for the timeout before cancelling (${Math.round(took)} ms)`);
      assert.equal(rt.snapshot().active_sessions, 0);
      assert.ok(events.some((e) => e.type === 'draining'));
      const cancelled = events.filter((e) => e.type === 'session_cancelled');
      assert.deepEqual(
        cancelled.map((e) => e.type === 'session_cancelled' && e.reason),
        ['drain', 'drain'],
      );
      assert.equal(rt.snapshot().tenants['acme']?.failures, 0, 'drain is not a failure');
    } finally {
      await rt.stop();
      await rt.stop(); // idempotent
      ws.cleanup();
    }
  });

  it('hello, snapshot fields and the versioned metrics file', async () => {
    const ws = makeWorkspace(
      { 'agents/hold.ts': HOLD_AGENT('hold', 10) },
      { metrics_interval_s: 0.25, max_sessions_per_tenant: { '*': 4 } },
    );
    const rt = await Runtime.start({ workspaceDir: ws.dir, watch: false });
    try {
      const hello = rt.hello({ client: 'test', protocol_version: PROTOCOL_VERSION });
      assert.equal(hello.protocol_version, PROTOCOL_VERSION);
      assert.ok(hello.capabilities.includes('startCalls'));
      await rt.startCalls({ agent: 'hold', tenant: 'acme', count: 6 });
      await rt.startCalls({ agent: 'hold', metadata: { tenant: 'bad/id' } });
      await new Promise((r) => setTimeout(r, 600));
      const snap = rt.snapshot();
      for (const key of [
        'timestamp',
        'uptime_seconds',
        'registered_agents',
        'active_sessions',
        'total_sessions_started',
        'total_session_failures',
        'last_error',
        'sessions_by_agent',
        'sessions_by_tenant',
      ]) {
        assert.ok(key in snap, key);
      }
      assert.deepEqual(snap.tenants['acme']?.rejections_by_reason, { tenant_cap: 2 });
      assert.equal(snap.tenants['acme']?.cap, 4);
      assert.equal(snap.tenants['acme']?.started, 4);
      assert.ok(!Object.keys(snap.tenants).includes('bad/id'), 'a bad tenant id never becomes a tenant');
      assert.ok(snap.loop_lag.max_ms >= 0 && snap.rss_mb > 0);
    } finally {
      await rt.stop();
    }
    const lines = readFileSync(rt.metricsFile, 'utf8').trim().split('\n');
    const parsed = lines.map(
      (l) =>
        JSON.parse(l) as {
          schema_version: number;
          kind: string;
          seq: number;
          wall_time_unix: number;
          payload: Record<string, unknown>;
        },
    );
    assert.deepEqual(
      Object.keys(JSON.parse(lines[0]!) as object),
      ['kind', 'payload', 'schema_version', 'seq', 'wall_time_unix'],
      'sorted keys',
    );
    assert.ok(parsed.every((p, i) => p.schema_version === 1 && p.seq === i + 1 && p.wall_time_unix > 1.7e9));
    assert.ok(parsed.filter((p) => p.kind === 'snapshot').length >= 2, 'periodic snapshots');
    const eventTypes = parsed.filter((p) => p.kind === 'event').map((p) => p.payload['type']);
    assert.equal(eventTypes.filter((t) => t === 'session_started').length, 4);
    assert.equal(eventTypes.filter((t) => t === 'rejected').length, 3);
    ws.cleanup();
  });

  it('bad control input gets a clear error and changes nothing', async () => {
    const ws = makeWorkspace({ 'agents/hold.ts': HOLD_AGENT('hold', 10) }, { max_sessions_per_tenant: { acme: 2 } });
    const rt = await Runtime.start({ workspaceDir: ws.dir, watch: false });
    try {
      const before = JSON.stringify(rt.snapshot().tenants);
      const code = (fn: () => unknown): number => {
        try {
          fn();
        } catch (e) {
          assert.ok(e instanceof ControlError, String(e));
          return e.code;
        }
        return 0;
      };
      assert.equal(
        code(() => rt.setTenantCap({ tenant: 'acme corp', cap: 3 })),
        ErrorCodes.InvalidTenantId,
      );
      assert.equal(
        code(() => rt.setTenantCap({ tenant: 'acme', cap: -1 })),
        ErrorCodes.InvalidParams,
      );
      assert.equal(
        code(() => rt.setBreaker({ tenant: 'acme', failure_ratio: 2 })),
        ErrorCodes.InvalidParams,
      );
      assert.equal(
        code(() => rt.cancelSession({ session_id: 'SES_nope' })),
        ErrorCodes.UnknownSession,
      );
      assert.equal(JSON.stringify(rt.snapshot().tenants), before);
      assert.equal(rt.setTenantCap({ tenant: 'acme', cap: 5 }).cap, 5);
      assert.equal(rt.setBreaker({ tenant: 'acme', enabled: true, cooldown_s: 7 }).cooldown_s, 7);
    } finally {
      await rt.stop();
      ws.cleanup();
    }
  });
});
