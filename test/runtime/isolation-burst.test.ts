// 200 calls to one tenant while it is isolated and then restored mid-burst: every call is either
// admitted and ends normally or rejected at the cap; none is lost, and the tenant's live count
// (from the session events, which are synchronous with admission) never exceeds its cap.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RuntimeEvent } from '../../protocol/control';
import { isolatedRuntimeFor, waitFor } from './isolation-harness';

const CAP = 12;

test('a burst across isolate and restore: none lost, none over the cap', { timeout: 90_000 }, async (t) => {
  const chatty = readFileSync(join(__dirname, '..', 'fixtures', 'isolation', 'chatty-agent.ts'), 'utf8');
  const { runtime } = await isolatedRuntimeFor(
    t,
    'burst',
    { 'agents/chatty.ts': chatty },
    { max_sessions_per_tenant: { burst: CAP } },
  );

  let live = 0;
  let maxLive = 0;
  let phase: 'shared-before' | 'isolated' | 'shared-after' = 'shared-before';
  const startedIn = { 'shared-before': 0, isolated: 0, 'shared-after': 0 };
  runtime.onEvent((e: RuntimeEvent) => {
    if (e.type === 'tenant_isolated') phase = 'isolated';
    if (e.type === 'tenant_restored') phase = 'shared-after';
    if (!('tenant' in e) || e.tenant !== 'burst') return;
    if (e.type === 'session_started') {
      live++;
      startedIn[phase]++;
      maxLive = Math.max(maxLive, live);
    } else if (e.type === 'session_ended' || e.type === 'session_failed' || e.type === 'session_cancelled') live--;
  });

  // 200 calls at 40/s (about 5 s), each about 300 ms long, 20 at a time against a cap of 12.
  const burst = runtime.startCalls({
    agent: 'chatty',
    tenant: 'burst',
    count: 200,
    concurrency: 20,
    rate: 40,
    say: ['one', 'two', 'three'],
    think_ms: 80,
  });
  await waitFor('the first burst sessions', () => startedIn['shared-before'] >= 5);
  await runtime.isolateTenant({ tenant: 'burst' });
  await waitFor(
    'sessions in the child',
    () => runtime.sessions().filter((r) => r.tenant === 'burst' && r.isolation === 'process').length >= 3,
  );
  const childPid = runtime.snapshot().tenants['burst']!.process!.pid!;
  await runtime.restoreTenant({ tenant: 'burst' });
  const result = await burst;

  const rejected = Object.values(result.rejected).reduce((a, b) => a + b, 0);
  assert.equal(result.started + rejected, 200, `every call accounted for: ${JSON.stringify(result)}`);
  assert.deepEqual(
    Object.keys(result.rejected).filter((r) => r !== 'tenant_cap'),
    [],
    'rejections only at the cap',
  );
  assert.deepEqual([result.succeeded, result.failed, result.cancelled], [result.started, 0, 0], JSON.stringify(result));
  assert.ok(maxLive <= CAP, `live sessions peaked at ${maxLive} over the cap ${CAP}`);
  assert.equal(live, 0);
  t.diagnostic(`started per phase ${JSON.stringify(startedIn)}, rejected at cap ${rejected}, peak live ${maxLive}`);
  for (const [p, n] of Object.entries(startedIn)) assert.ok(n > 0, `sessions started in phase ${p}`);
  const snap = runtime.snapshot().tenants['burst']!;
  assert.deepEqual([snap.active, snap.started, snap.failures, snap.isolation], [0, result.started, 0, 'coroutine']);
  // The restored child drains its sessions, then stops.
  await waitFor('the child to stop', () => {
    try {
      process.kill(childPid, 0);
      return false;
    } catch {
      return true;
    }
  });
});
