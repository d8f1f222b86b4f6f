import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { RuntimeEvent } from '../../protocol/control';
import { bundleAgentFile } from '../../runtime/agents/bundle';
import { inlineSourceMap } from '../../runtime/agents/stack-map';
import { Runtime } from '../../runtime/runtime';
import { makeWorkspace } from './engine-workspace';

const versioned = (version: string) => `
import { defineAgent } from 'openrtc';
import { suffix } from './lib/suffix';
export default defineAgent({
  name: 'greeter',
  async entry(ctx) {
    for await (const turn of ctx.userTurns()) ctx.say('${version} ' + turn + suffix);
  },
});
`;

const JS_AGENT = `
const { defineAgent, currentSession } = require('openrtc');
const os = require('node:os');
module.exports = defineAgent({
  name: 'plain-js',
  prewarm(proc) { proc.userData.host = typeof os.hostname(); },
  async entry(ctx) {
    for await (const turn of ctx.userTurns()) {
      ctx.say([turn, ctx.proc.userData.host, currentSession() === ctx, ctx.tenantConfig.voice].join('|'));
    }
  },
});
`;

const MJS_AGENT = `
import { defineAgent } from 'openrtc';
export default defineAgent({ entry: (ctx) => { ctx.say('from mjs ' + ctx.agentName); } });
`;

function waitFor<T extends RuntimeEvent['type']>(
  rt: Runtime,
  type: T,
  timeoutMs = 8000,
): Promise<Extract<RuntimeEvent, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} event within ${timeoutMs} ms`)), timeoutMs);
    const off = rt.onEvent((e) => {
      if (e.type === type) {
        clearTimeout(timer);
        off();
        resolve(e as Extract<RuntimeEvent, { type: T }>);
      }
    });
  });
}

async function agentLines(rt: Runtime, sessionId: string): Promise<string[]> {
  const { records } = await rt.logs({ session_id: sessionId });
  return records
    .filter((r) => r.logger === 'call' && r.message.startsWith('agent: '))
    .map((r) => r.message.slice('agent: '.length));
}

describe('agent loading', () => {
  it('loads .ts, .js and .mjs agents; openrtc resolves to the runtime; prewarm and tenantConfig reach ctx', async () => {
    const ws = makeWorkspace(
      {
        'agents/greeter.ts': versioned('v1'),
        'agents/lib/suffix.ts': "export const suffix = '!';",
        'agents/plain.js': JS_AGENT,
        'agents/named-by-file.mjs': MJS_AGENT,
      },
      { tenant_config: { acme: { voice: 'alloy', llm: { api_key_env: 'OPENRTC_TEST_KEY' } } } },
    );
    const rt = await Runtime.start({
      workspaceDir: ws.dir,
      watch: false,
      env: { OPENRTC_TEST_KEY: 'sk-hidden-value' },
    });
    try {
      assert.deepEqual(rt.snapshot().registered_agents, 3);
      const g = await rt.startCalls({ agent: 'greeter', tenant: 'acme', say: ['hi'] });
      const j = await rt.startCalls({ agent: 'plain-js', tenant: 'acme', say: ['yo'] });
      const m = await rt.startCalls({ agent: 'named-by-file', tenant: 'acme' });
      assert.deepEqual(await agentLines(rt, g.sessions[0]!), ['v1 hi!']);
      assert.deepEqual(await agentLines(rt, j.sessions[0]!), ['yo|string|true|alloy']);
      assert.deepEqual(await agentLines(rt, m.sessions[0]!), ['from mjs named-by-file']);
      const all = await rt.logs({ limit: 10_000 });
      assert.ok(!JSON.stringify(all.records).includes('sk-hidden-value'), 'resolved secrets never reach the log');
      assert.ok(!JSON.stringify(rt.snapshot()).includes('sk-hidden-value'), 'nor the snapshot');
    } finally {
      await rt.stop();
      ws.cleanup();
    }
  });

  it('a file that is not an agent, or does not build, is reported with file:line and skipped', async () => {
    const ws = makeWorkspace({
      'agents/ok.ts': versioned('v1').replace("'greeter'", "'ok'"),
      'agents/lib/suffix.ts': "export const suffix = '';",
      'agents/broken.ts':
        "import { defineAgent } from 'openrtc';\nexport default defineAgent({\n  entry(ctx) { return ctx. }\n});\n",
      'agents/not-agent.ts': 'export default { hello: 1 };',
    });
    const events: RuntimeEvent[] = [];
    const rt = await Runtime.start({ workspaceDir: ws.dir, watch: false });
    rt.onEvent((e) => events.push(e));
    try {
      assert.deepEqual(rt.snapshot().registered_agents, 1);
      const lines = (await rt.logs({ level: 'error' })).records.map((r) => r.message);
      assert.ok(
        lines.some((l) => /\[agents\] .*broken\.ts failed: .*broken\.ts:3:\d+: /.test(l)),
        lines.join('\n'),
      );
      assert.ok(lines.some((l) => /not-agent\.ts: the default export is not an agent/.test(l)));
    } finally {
      await rt.stop();
      ws.cleanup();
    }
  });
});

describe('agent bundles', () => {
  it('carry an inline source map whose sources are the original absolute paths', async () => {
    const ws = makeWorkspace({
      'agents/greeter.ts': versioned('v1'),
      'agents/lib/suffix.ts': "export const suffix = '';",
    });
    try {
      const b = await bundleAgentFile(join(ws.dir, 'agents/greeter.ts'), 1);
      const map = JSON.parse(inlineSourceMap(b.code) ?? '{}') as { sources?: string[] };
      assert.deepEqual(
        [...(map.sources ?? [])].sort(),
        [join(ws.dir, 'agents/greeter.ts'), join(ws.dir, 'agents/lib/suffix.ts')].sort(),
      );
      assert.deepEqual(
        [...b.inputs].sort(),
        [join(ws.dir, 'agents/greeter.ts'), join(ws.dir, 'agents/lib/suffix.ts')].sort(),
      );
      assert.equal(b.scriptName, `${join(ws.dir, 'agents/greeter.ts')}?v=1`);
    } finally {
      ws.cleanup();
    }
  });
});

describe('agent hot reload', () => {
  it('new sessions get the new code, live ones finish on the old; a broken edit keeps the old code', async () => {
    const ws = makeWorkspace({
      'agents/greeter.ts': versioned('v1'),
      'agents/lib/suffix.ts': "export const suffix = '';",
    });
    const rt = await Runtime.start({ workspaceDir: ws.dir, callScript: { replyTimeoutMs: 3000 } });
    try {
      // A call that lives across the reload: two turns, 600 ms apart.
      const live = rt.startCalls({ agent: 'greeter', tenant: 'acme', say: ['one', 'two'], think_ms: 600 });
      await new Promise((r) => setTimeout(r, 100));
      const reloaded = waitFor(rt, 'agent_reloaded');
      ws.write('agents/greeter.ts', versioned('v2'));
      const ok = await reloaded;
      assert.deepEqual([ok.ok, ok.agent_name, ok.error], [true, 'greeter', null]);

      const fresh = await rt.startCalls({ agent: 'greeter', tenant: 'acme', say: ['new'] });
      assert.deepEqual(await agentLines(rt, fresh.sessions[0]!), ['v2 new']);
      const old = await live;
      assert.deepEqual(await agentLines(rt, old.sessions[0]!), ['v1 one', 'v1 two'], 'the live session stayed on v1');

      // Editing a helper the agent imports reloads the agent too.
      const helperReload = waitFor(rt, 'agent_reloaded');
      ws.write('agents/lib/suffix.ts', "export const suffix = '?';");
      assert.equal((await helperReload).ok, true);
      const helped = await rt.startCalls({ agent: 'greeter', tenant: 'acme', say: ['hm'] });
      assert.deepEqual(await agentLines(rt, helped.sessions[0]!), ['v2 hm?']);

      const failed = waitFor(rt, 'agent_reloaded');
      ws.write(
        'agents/greeter.ts',
        "import { defineAgent } from 'openrtc';\nexport default defineAgent({\n  entry(ctx) {\n    ctx.say(;\n  },\n});\n",
      );
      const bad = await failed;
      assert.equal(bad.ok, false);
      assert.match(bad.error ?? '', /greeter\.ts:4:\d+: /);
      const after = await rt.startCalls({ agent: 'greeter', tenant: 'acme', say: ['still'] });
      assert.deepEqual(await agentLines(rt, after.sessions[0]!), ['v2 still?'], 'the last good code keeps serving');
      const errors = (await rt.logs({ level: 'error' })).records.map((r) => r.message);
      assert.ok(
        errors.some((m) => /^\[reload\] \S+greeter\.ts failed: \S+greeter\.ts:4:\d+: /.test(m)),
        errors.join('\n'),
      );
    } finally {
      await rt.stop();
      ws.cleanup();
    }
  });
});
