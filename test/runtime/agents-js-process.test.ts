// agents-js agents across processes: an isolated tenant's job contexts live in its own child,
// with its cap intact.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Runtime } from '../../runtime/runtime';
import { makeAgentsJsWorkspace, stockAgent } from './agents-js-workspace';
import { buildTenantChild, isolationOptions, waitFor } from './isolation-harness';

test('an isolated agents-js tenant runs in its own process with its cap intact', { timeout: 120_000 }, async (t) => {
  const build = buildTenantChild('agents-js');
  const ws = makeAgentsJsWorkspace(
    { 'agents/assistant.ts': stockAgent({ agentName: 'assistant' }) },
    { tenant_isolation: { iso: 'process' }, max_sessions_per_tenant: { '*': 10, iso: 2 } },
  );
  const rt = await Runtime.start({ workspaceDir: ws.dir, watch: false, isolation: isolationOptions(build) });
  t.after(async () => {
    await rt.stop();
    ws.cleanup();
    build.remove();
  });
  await waitFor('the child ready', () => rt.snapshot().tenants['iso']?.process?.state === 'ready', 60_000);
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
});
