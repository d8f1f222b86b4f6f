// Bad input to isolation gets a clear error and changes nothing: unknown or invalid tenants,
// restoring a tenant that is not isolated, a child that never becomes ready or dies at start,
// and a child (or agent code inside it) sending garbage over IPC. Plus the pure pieces: the
// child-message validator and the restart backoff.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ControlError, ErrorCodes } from '../../protocol/control';
import { RestartBackoff } from '../../runtime/isolation/backoff';
import { ChildMessageError, IPC_TAG, parseChildMessage } from '../../runtime/isolation/messages';
import type { Runtime } from '../../runtime/runtime';
import { ECHO_AGENT, makeWorkspace } from './engine-workspace';
import { isolatedRuntimeFor, startIsolatedRuntime, waitFor } from './isolation-harness';

const FIXTURES = join(__dirname, '..', 'fixtures', 'isolation');

async function rejectsWith(p: Promise<unknown>, code: number, message: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ControlError, String(err));
    assert.equal(err.code, code, err.message);
    assert.match(err.message, message);
    return true;
  });
}

/** What must not change when a request is refused. */
function state(rt: Runtime): string {
  const s = rt.snapshot();
  return JSON.stringify({ tenants: s.tenants, active: s.active_sessions, started: s.total_sessions_started });
}

test('bad isolate/restore requests are refused clearly and change nothing', { timeout: 60_000 }, async (t) => {
  const { runtime: rt } = await isolatedRuntimeFor(
    t,
    'errors',
    { 'agents/echo.ts': ECHO_AGENT },
    { tenant_config: { acme: {} } },
  );
  await rt.startCalls({ agent: 'echo', tenant: 'known', say: ['hi'], wait: true });
  const before = state(rt);
  await rejectsWith(
    rt.isolateTenant({ tenant: 'nobody' }),
    ErrorCodes.UnknownTenant,
    /isolateTenant: unknown tenant 'nobody'/,
  );
  await rejectsWith(
    rt.isolateTenant({ tenant: 'bad id!' }),
    ErrorCodes.InvalidTenantId,
    /isolateTenant: field 'tenant'.*"bad id!"/,
  );
  await rejectsWith(rt.isolateTenant({} as { tenant: string }), ErrorCodes.InvalidParams, /field 'tenant' is required/);
  await rejectsWith(
    rt.restoreTenant({ tenant: 'known' }),
    ErrorCodes.NotIsolated,
    /restoreTenant: tenant 'known' is not isolated \(isolated: none\)/,
  );
  await rejectsWith(rt.restoreTenant({ tenant: '' }), ErrorCodes.InvalidTenantId, /restoreTenant: field 'tenant'/);
  assert.equal(state(rt), before);

  // Tenants named in openrtc.json are known before their first call; isolating twice is a no-op.
  const first = await rt.isolateTenant({ tenant: 'acme' });
  const again = await rt.isolateTenant({ tenant: 'acme' });
  assert.equal(first.isolation, 'process');
  assert.equal(again.process?.pid, first.process?.pid);
  await rejectsWith(rt.restoreTenant({ tenant: 'known' }), ErrorCodes.NotIsolated, /\(isolated: acme\)/);
});

for (const [name, program, why] of [
  ['never reports ready', 'silent-child.js', /did not report ready within 1500 ms/],
  ['dies at start', 'crash-child.js', /exited with code 3 before it was ready: boom: cannot load the agents/],
] as const) {
  test(`a tenant child that ${name}: isolateTenant fails, the tenant stays shared`, { timeout: 30_000 }, async (t) => {
    const ws = makeWorkspace({ 'agents/echo.ts': ECHO_AGENT }, { tenant_config: { acme: {} } });
    let rt: Runtime | undefined;
    t.after(async () => {
      await rt?.stop();
      ws.cleanup();
    });
    const fake = { dir: FIXTURES, childFile: join(FIXTURES, program), remove: () => undefined };
    rt = await startIsolatedRuntime(ws.dir, fake, {}, { startTimeoutMs: 1500 });
    const before = state(rt);
    await rejectsWith(
      rt.isolateTenant({ tenant: 'acme' }),
      ErrorCodes.IsolationFailed,
      new RegExp(`tenant 'acme' process \\(pid \\d+\\) ${why.source}.*stays on the shared loop`),
    );
    assert.equal(state(rt), before);
    const call = await rt.startCalls({ agent: 'echo', tenant: 'acme', say: ['still served'], wait: true });
    assert.equal(call.succeeded, 1);
    assert.equal(rt.sessions().length, 0);
    assert.equal(rt.snapshot().tenants['acme']?.isolation, 'coroutine');
  });
}

test('garbage and forged records from inside a child are dropped with a warning', { timeout: 60_000 }, async (t) => {
  const { runtime: rt } = await isolatedRuntimeFor(
    t,
    'forger',
    { 'agents/forger.ts': readFileSync(join(FIXTURES, 'forger-agent.ts'), 'utf8') },
    { tenant_isolation: { acme: 'process' } },
  );
  const call = await rt.startCalls({ agent: 'forger', tenant: 'acme', wait: true });
  assert.equal(call.succeeded, 1);
  const { records } = await rt.logs({});
  assert.equal(records.filter((r) => r.message === 'forged record').length, 0);
  assert.ok(
    records.some((r) => /tenant 'acme' process sent a bad message, ignored: not an isolation message/.test(r.message)),
  );
  assert.ok(
    records.some((r) => /tenant 'acme' process sent a log record for tenant 'someone-else', dropped/.test(r.message)),
  );
});

test(
  "an error a session leaves behind in its child counts as that tenant's late failure",
  { timeout: 60_000 },
  async (t) => {
    const { runtime } = await isolatedRuntimeFor(
      t,
      'late',
      { 'agents/late.ts': readFileSync(join(FIXTURES, 'late-agent.ts'), 'utf8') },
      { tenant_isolation: { acme: 'process' } },
    );
    const call = await runtime.startCalls({ agent: 'late', tenant: 'acme', wait: true });
    assert.equal(call.succeeded, 1);
    await waitFor('the late failure', () => runtime.snapshot().tenants['acme']?.failures === 1, 10_000);
    const { records } = await runtime.logs({ session_id: call.sessions[0]! });
    const late = records.find((r) =>
      /uncaughtException after the session ended: Error: thrown after the session ended/.test(r.message),
    );
    assert.ok(late, JSON.stringify(records));
    assert.match(late.exc_info ?? '', /late\.ts:\d+/, 'stack mapped to the agent source');
    assert.equal(runtime.snapshot().tenants['acme']?.process?.state, 'ready', 'the child is unharmed');
  },
);

test(
  'pool-wide isolation: "process" gives each tenant its child on its first call; tenant_isolation pins one to the shared loop',
  { timeout: 60_000 },
  async (t) => {
    const { runtime: rt } = await isolatedRuntimeFor(
      t,
      'pool',
      { 'agents/echo.ts': ECHO_AGENT },
      { isolation: 'process', tenant_isolation: { pinned: 'coroutine' } },
    );
    const [a, b, pinned] = await Promise.all(
      ['a', 'b', 'pinned'].map((tenant) => rt.startCalls({ agent: 'echo', tenant, say: ['hi'], wait: true })),
    );
    assert.deepEqual([a!.succeeded, b!.succeeded, pinned!.succeeded], [1, 1, 1]);
    const tenants = rt.snapshot().tenants;
    assert.equal(tenants['a']?.isolation, 'process');
    assert.equal(tenants['b']?.isolation, 'process');
    assert.notEqual(tenants['a']?.process?.pid, tenants['b']?.process?.pid);
    assert.equal(tenants['pinned']?.isolation, 'coroutine');
  },
);

test('parseChildMessage names the field and the reason', () => {
  const bad: [unknown, RegExp][] = [
    [null, /not an isolation message/],
    [{ tag: IPC_TAG, type: 'nope' }, /unknown child message type "nope"/],
    [{ tag: IPC_TAG, type: 'say', session_id: 'S', text: 7 }, /child message 'say': field 'text' must be a string/],
    [
      { tag: IPC_TAG, type: 'ended', session_id: 'S', status: 'weird', error: null },
      /field 'status' must be one of ended, failed, cancelled/,
    ],
    [
      { tag: IPC_TAG, type: 'stats', loop_lag: { p50_ms: 1, p99_ms: 2, max_ms: Infinity }, rss_mb: 1, sessions: {} },
      /field 'max_ms' must be a finite number/,
    ],
    [
      {
        tag: IPC_TAG,
        type: 'log',
        record: { level: 'loud', session_id: null, agent_name: null, tenant: null, logger: 'x', message: 'm' },
      },
      /field 'level' must be one of/,
    ],
  ];
  for (const [raw, why] of bad)
    assert.throws(
      () => parseChildMessage(raw),
      (e: unknown) => e instanceof ChildMessageError && why.test(e.message),
    );
  const ok = parseChildMessage({
    tag: IPC_TAG,
    type: 'ended',
    session_id: 'S',
    status: 'failed',
    error: { name: 'E', message: 'm', stack: 's' },
    extra: 1,
  });
  assert.deepEqual(ok, {
    tag: IPC_TAG,
    type: 'ended',
    session_id: 'S',
    status: 'failed',
    error: { name: 'E', message: 'm', stack: 's' },
  });
});

test('restart backoff doubles to its cap and starts over after a stable run', () => {
  const b = new RestartBackoff({ initialMs: 100, maxMs: 1000, stableMs: 5000 });
  assert.deepEqual(
    [0, 10, 10, 10, 10, 10].map((up) => b.next(up)),
    [100, 200, 400, 800, 1000, 1000],
  );
  assert.equal(b.next(6000), 100);
  assert.equal(b.next(10), 200);
});
