// agents-js agents across processes: an isolated tenant's job contexts live in its own child,
// with its cap intact, and SIGTERM on `openrtc run` with live agents-js sessions drains them.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { Runtime } from '../../runtime/runtime';
import { makeAgentsJsWorkspace, stockAgent } from './agents-js-workspace';
import { connectControl } from '../../protocol/connect';
import { BuiltCli, exitOf } from './cli-helpers';
import { buildTenantChild, isolationOptions, waitFor } from './isolation-harness';

test('an isolated agents-js tenant runs in its own process with its cap intact', { timeout: 240_000 }, async (t) => {
  const build = buildTenantChild('agents-js');
  const ws = makeAgentsJsWorkspace(
    {
      'agents/assistant.ts': stockAgent({ agentName: 'assistant' }),
      // Fire-and-forget inside rtc-node: an unhandled rejection raised by @livekit/* code alone
      // (in the child, whose process-level handlers are the runtime's only ones).
      'agents/stray.ts': stockAgent({
        agentName: 'stray',
        afterStart: `void new (require('@livekit/rtc-node').Room)().connect('ws://127.0.0.1:9', 'not-a-token');`,
      }),
    },
    { tenant_isolation: { iso: 'process' }, max_sessions_per_tenant: { '*': 10, iso: 2 } },
  );
  const rt = await Runtime.start({
    workspaceDir: ws.dir,
    watch: false,
    isolation: isolationOptions(build, { startTimeoutMs: 90_000 }),
  });
  t.after(async () => {
    await rt.stop();
    ws.cleanup();
    build.remove();
  });
  await waitFor('the child ready', () => rt.snapshot().tenants['iso']?.process?.state === 'ready', 100_000);
  const pid = rt.snapshot().tenants['iso']!.process!.pid;
  assert.ok(pid && pid !== process.pid);
  const [iso, shared] = await Promise.all([
    rt.startCalls({ agent: 'assistant', tenant: 'iso', count: 10, concurrency: 10, say: ['a', 'b'], think_ms: 300 }),
    rt.startCalls({ agent: 'assistant', tenant: 'shared', say: ['a', 'b'] }),
  ]);
  assert.deepEqual([iso.started, iso.succeeded, iso.rejected], [2, 2, { tenant_cap: 8 }]);
  assert.equal(shared.succeeded, 1);
  for (const sid of iso.sessions) {
    const lines = (await rt.logs({ session_id: sid })).records.filter((x) => x.logger === 'call').map((x) => x.message);
    assert.ok(lines.includes(`agent: iso heard a in AJ_${sid}`), lines.join('\n'));
  }

  // agents-js's own unhandled rejection: logged for the session it belongs to, never counted.
  const failuresBefore = rt.snapshot().tenants['iso']?.failures ?? 0;
  const stray = await rt.startCalls({ agent: 'stray', tenant: 'iso', say: ['a', 'b'], think_ms: 200 });
  assert.equal(stray.succeeded, 1, JSON.stringify(stray));
  await waitFor(
    'the rejection logged for the stray session',
    () =>
      ws
        .readLog()
        .some(
          (x) =>
            x['session_id'] === stray.sessions[0] &&
            x['message'] === 'unhandled rejection inside @livekit/agents (not counted as a failure)',
        ),
    60_000,
  );
  assert.equal(rt.snapshot().tenants['iso']?.failures ?? 0, failuresBefore);
});

test(
  'SIGTERM with live agents-js sessions drains them, exits 0, and loses no record',
  { timeout: 480_000 },
  async (t) => {
    const cli = new BuiltCli('agents-js-drain');
    cli.build();
    const ws = makeAgentsJsWorkspace({ 'agents/assistant.ts': stockAgent({ agentName: 'assistant' }) }, {});
    const sock = join(ws.dir, 'rt.sock');
    t.after(() => {
      ws.cleanup();
      cli.remove();
    });
    const { child, output } = await cli.start(
      ['run', ws.dir, '--socket', sock, '--drain-timeout', '30'],
      /listening on/,
      {},
      90_000, // a loaded 2-core host can take long to start the bundle
    );
    const say = ['--say', 'a', '--say', 'b', '--say', 'c'];
    const call = cli.run([
      'call',
      'assistant',
      '--tenant',
      'acme',
      ...say,
      '--count',
      '3',
      '--concurrency',
      '3',
      '--json',
      '--socket',
      sock,
    ]);
    // SIGTERM only once all three agents-js sessions are live: one control connection polled (no
    // CLI process per look, which a loaded 2-core host makes slow), within a generous bound.
    const connection = await connectControl(sock, { clientName: 'drain-test', timeoutMs: 30_000 });
    assert.equal(connection.kind, 'openrtc');
    if (connection.kind !== 'openrtc') return;
    const control = connection.client;
    const deadline = Date.now() + 180_000;
    while ((await control.request('snapshot')).sessions.length < 3) {
      if (Date.now() > deadline) throw new Error('three agents-js sessions were not live within 180 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    control.close();
    child.kill('SIGTERM');
    const code = await Promise.race([
      exitOf(child),
      new Promise((r) => setTimeout(() => r('no exit within 120 s'), 120_000)),
    ]);
    assert.equal(code, 0, output());
    // The call client's own answer can lose the race with the control socket closing after the
    // drain (a control-plane matter): the log is the record that must be complete.
    await call;
    const records = ws.readLog();
    const sessions = [
      ...new Set(records.filter((x) => x['tenant'] === 'acme' && x['session_id']).map((x) => String(x['session_id']))),
    ];
    assert.equal(sessions.length, 3);
    for (const sid of sessions) {
      const mine = records.filter((x) => x['session_id'] === sid).map((x) => String(x['message']));
      assert.equal(mine.filter((m) => m.startsWith('session started')).length, 1);
      assert.equal(mine.filter((m) => m.startsWith('session ended')).length, 1, mine.join('\n'));
      for (const turn of ['a', 'b', 'c']) assert.ok(mine.includes(`caller: ${turn}`), mine.join('\n'));
      assert.ok(mine.includes(`agent: acme heard b in AJ_${sid}`), mine.join('\n'));
    }
  },
);
