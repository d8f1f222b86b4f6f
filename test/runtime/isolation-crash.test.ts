// A tenant child killed with SIGKILL under load, and one killed for its memory: the parent keeps
// serving the other tenants, the child's sessions are failed (log and breaker see them), and a
// new child comes back. Real processes and signals throughout.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isolatedRuntimeFor, waitFor } from './isolation-harness';

const FIXTURES = join(__dirname, '..', 'fixtures', 'isolation');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('kill -9 of a tenant child under load', { timeout: 90_000 }, async (t) => {
  const { runtime } = await isolatedRuntimeFor(
    t,
    'crash',
    { 'agents/chatty.ts': fixture('chatty-agent.ts') },
    {
      enable_tenant_circuit_breaker: true,
      tenant_circuit_min_samples: 5,
      tenant_circuit_cooldown_s: 1,
      tenant_isolation: { victim: 'process' },
    },
  );
  const first = runtime.snapshot().tenants['victim']?.process;
  assert.equal(first?.state, 'ready', 'isolated from openrtc.json at start');
  const pid = first.pid!;

  // Ten turns 300 ms apart: each victim call is live for about 3 s.
  const victims = runtime.startCalls({
    agent: 'chatty',
    tenant: 'victim',
    count: 10,
    concurrency: 10,
    say: Array(10).fill('still there?'),
    think_ms: 300,
  });
  const others = runtime.startCalls({
    agent: 'chatty',
    tenant: 'alpha',
    count: 300,
    concurrency: 10,
    rate: 100,
    say: ['hi', 'again'],
  });
  await waitFor(
    '10 victim sessions in the child',
    () => runtime.sessions().filter((r) => r.tenant === 'victim' && r.isolation === 'process').length === 10,
  );
  process.kill(pid, 'SIGKILL');

  const v = await victims;
  assert.deepEqual([v.started, v.failed], [10, 10], JSON.stringify(v));
  // The parent served alpha throughout, and still does.
  const o = await others;
  assert.deepEqual([o.started, o.succeeded, o.failed], [300, 300, 0], JSON.stringify(o));
  const snap = runtime.snapshot();
  const victim = snap.tenants['victim']!;
  assert.equal(victim.failures, 10);
  assert.equal(victim.active, 0, 'slots released');
  assert.ok(victim.breaker.times_opened >= 1, `breaker saw the failures: ${JSON.stringify(victim.breaker)}`);

  // The log has one failed record per victim session, naming the kill; written by the parent.
  const { records } = await runtime.logs({ tenant: 'victim' });
  for (const id of v.sessions) {
    const ends = records.filter(
      (r) => r.session_id === id && r.logger === 'openrtc' && /^session (ended|failed|cancelled)/.test(r.message),
    );
    assert.equal(ends.length, 1, `one end record for ${id}`);
    assert.equal(ends[0]!.level, 'ERROR');
    assert.match(
      ends[0]!.message,
      /session failed after .*TenantProcessError: tenant 'victim' process \(pid \d+\) was killed by SIGKILL/,
    );
    assert.equal(ends[0]!.agent_name, 'chatty');
  }

  // A new child comes back (restart with backoff) and serves victim once its breaker lets it.
  await waitFor('a new victim child', () => {
    const p = runtime.snapshot().tenants['victim']?.process;
    return p?.state === 'ready' && p.pid !== pid && p.restarts === 1;
  });
  assert.equal(alive(pid), false);
  await waitFor('breaker half-open', () => runtime.snapshot().tenants['victim']?.breaker.state !== 'open', 10_000);
  const again = await runtime.startCalls({ agent: 'chatty', tenant: 'victim', say: ['back?'], wait: true });
  assert.deepEqual([again.started, again.succeeded], [1, 1], JSON.stringify(again));
  assert.equal(runtime.sessions().length, 0);
});

test('a child over tenant_memory_limit_mb is killed and reported with its tenant', { timeout: 60_000 }, async (t) => {
  const { runtime: rt } = await isolatedRuntimeFor(
    t,
    'memory',
    { 'agents/hog.ts': fixture('hog-agent.ts'), 'agents/chatty.ts': fixture('chatty-agent.ts') },
    { tenant_memory_limit_mb: 250, tenant_isolation: { piggy: 'process' } },
  );
  const pid = rt.snapshot().tenants['piggy']!.process!.pid!;
  const [hog, other] = await Promise.all([
    rt.startCalls({ agent: 'hog', tenant: 'piggy', say: ['100', '100', '100', '100'], think_ms: 50, wait: true }),
    rt.startCalls({ agent: 'chatty', tenant: 'alpha', count: 20, concurrency: 5, say: ['hi'], wait: true }),
  ]);
  assert.deepEqual([hog.started, hog.failed], [1, 1], JSON.stringify(hog));
  assert.deepEqual([other.succeeded, other.failed], [20, 0]);
  const { records } = await rt.logs({});
  const killed = records.find((r) =>
    /\[isolation\] tenant 'piggy' process \(pid \d+\) was killed: RSS \d+ MB exceeded tenant_memory_limit_mb=250/.test(
      r.message,
    ),
  );
  assert.ok(killed, 'the kill is logged with the tenant and the limit');
  assert.equal(killed.level, 'ERROR');
  const failed = records.find((r) => r.session_id === hog.sessions[0] && /session failed/.test(r.message));
  assert.match(failed?.message ?? '', /tenant_memory_limit_mb=250/);
  assert.equal(alive(pid), false);
});

test(
  'a child whose loop is stuck is killed as unresponsive; its session fails and it comes back',
  { timeout: 60_000 },
  async (t) => {
    const { runtime } = await isolatedRuntimeFor(
      t,
      'stuck',
      { 'agents/spin.ts': fixture('spin-agent.ts'), 'agents/chatty.ts': fixture('chatty-agent.ts') },
      { tenant_isolation: { spinner: 'process' } },
      { callScript: { replyTimeoutMs: 5000, hangUpGraceMs: 20_000 } },
      { unresponsiveMs: 1500 },
    );
    const pid = runtime.snapshot().tenants['spinner']!.process!.pid!;
    const spin = await runtime.startCalls({ agent: 'spin', tenant: 'spinner', say: ['hello?'], wait: true });
    assert.deepEqual([spin.started, spin.failed], [1, 1], JSON.stringify(spin));
    const { records } = await runtime.logs({ session_id: spin.sessions[0]! });
    assert.ok(
      records.some((r) =>
        /session failed .*tenant 'spinner' process \(pid \d+\) was killed: unresponsive for \d+ ms/.test(r.message),
      ),
      JSON.stringify(records),
    );
    assert.equal(alive(pid), false);
    await waitFor('a new spinner child', () => runtime.snapshot().tenants['spinner']?.process?.state === 'ready');
    assert.equal(runtime.snapshot().tenants['spinner']?.failures, 1);
  },
);
