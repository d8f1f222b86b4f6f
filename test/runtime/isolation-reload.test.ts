// Hot reload reaches an isolated tenant's child: saving the agent file gives the child's new
// sessions the new code, as on the shared loop.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Runtime } from '../../runtime/runtime';
import { makeWorkspace } from './engine-workspace';
import { buildTenantChild, sleep, startIsolatedRuntime } from './isolation-harness';

const VERSION_AGENT = (version: string) => `
import { defineAgent } from 'openrtc';
export default defineAgent({
  name: 'versioned',
  async entry(ctx) {
    for await (const turn of ctx.userTurns()) ctx.say('${version}: ' + turn);
  },
});
`;

test('saving an agent file reloads it inside an isolated tenant child', { timeout: 60_000 }, async (t) => {
  const build = buildTenantChild('reload');
  const ws = makeWorkspace({ 'agents/versioned.ts': VERSION_AGENT('v1') }, { tenant_isolation: { acme: 'process' } });
  let rt: Runtime | undefined;
  t.after(async () => {
    await rt?.stop();
    ws.cleanup();
    build.remove();
  });
  rt = await startIsolatedRuntime(ws.dir, build, { watch: true });
  const runtime = rt;
  const reply = async (): Promise<string | undefined> => {
    const r = await runtime.startCalls({ agent: 'versioned', tenant: 'acme', say: ['hi'], wait: true });
    const { records } = await runtime.logs({ session_id: r.sessions[0]! });
    return records.find((x) => x.logger === 'call' && x.message.startsWith('agent: '))?.message;
  };
  assert.equal(await reply(), 'agent: v1: hi');
  ws.write('agents/versioned.ts', VERSION_AGENT('v2'));
  let seen: string | undefined;
  for (const until = Date.now() + 20_000; Date.now() < until && seen !== 'agent: v2: hi'; await sleep(200))
    seen = await reply();
  assert.equal(seen, 'agent: v2: hi');
  assert.equal(runtime.snapshot().tenants['acme']?.isolation, 'process');
});
