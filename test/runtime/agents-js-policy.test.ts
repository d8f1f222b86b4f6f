// Real @livekit/agents 1.9.0 agents under the runtime's policies: tenants kept apart, exact caps,
// the breaker, and load failures that keep the previous version serving.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Runtime } from '../../runtime/runtime';
import { makeAgentsJsWorkspace, stockAgent } from './agents-js-workspace';
import { makeWorkspace, type Workspace } from './engine-workspace';
import { seededRandom } from '../helpers/seeded-random';

const FAILING = stockAgent({
  agentName: 'assistant',
  afterStart: `if (tenant === 'broken') throw new Error('provider key rejected for ' + tenant);`,
});

describe('agents-js agents under tenant policy', () => {
  let ws: Workspace;
  let rt: Runtime;
  before(async () => {
    ws = makeAgentsJsWorkspace(
      { 'agents/assistant.ts': FAILING },
      {
        max_concurrent_sessions: 500,
        max_sessions_per_tenant: { '*': 200, capped: 2 },
        enable_tenant_circuit_breaker: true,
        tenant_circuit_min_samples: 4,
        tenant_circuit_failure_ratio: 0.5,
        tenant_circuit_cooldown_s: 60,
      },
    );
    rt = await Runtime.start({ workspaceDir: ws.dir, watch: false });
  });
  after(async () => {
    await rt.stop();
    ws.cleanup();
  });

  it('three tenants at once, 1,000 caller turns randomly interleaved: no reply or log record crosses tenants', async () => {
    const rand = seededRandom(12);
    const tenants = ['acme', 'globex', 'initech'];
    const calls = Array.from({ length: 100 }, (_, i) => ({
      tenant: tenants[i % 3]!,
      say: Array.from({ length: 10 }, (_, t) => `c${i}t${t}`),
      think_ms: Math.floor(rand() * 4),
    }));
    const results = await Promise.all(
      calls.map(async (c) => ({
        ...c,
        r: await rt.startCalls({ agent: 'assistant', tenant: c.tenant, say: c.say, think_ms: c.think_ms }),
      })),
    );
    let replies = 0;
    let agentsRecords = 0;
    for (const { tenant, say, r } of results) {
      assert.equal(r.succeeded, 1, JSON.stringify(r));
      const sid = r.sessions[0]!;
      const mine = (await rt.logs({ session_id: sid })).records;
      assert.ok(mine.length > 0 && mine.every((x) => x.session_id === sid));
      agentsRecords += mine.filter((x) => String(x.logger).startsWith('livekit.agents')).length;
      for (const x of mine) assert.deepEqual([x.tenant, x.agent_name], [tenant, 'assistant'], JSON.stringify(x));
      for (const x of mine.filter(
        (m) => m.logger === 'call' && String(m.message).startsWith('agent: ') && String(m.message).includes(' heard '),
      )) {
        replies++;
        const m = /^agent: (\S+) heard (\S+) in (\S+)$/.exec(String(x.message));
        assert.ok(m, String(x.message));
        assert.deepEqual([m[1], m[3]], [tenant, `AJ_${sid}`], `reply in ${sid}: ${x.message}`);
        assert.ok(say.includes(m[2]!), `the reply answers one of this call's own turns: ${x.message}`);
      }
    }
    assert.ok(replies >= 800, `most turns answered within the call (${replies})`);
    // agents-js's own records are there and attributed too (not only ours).
    assert.ok(agentsRecords >= 100, `agents-js records per session (${agentsRecords})`);
  });

  it('a cap of 2 under a burst of 30 admits exactly 2', async () => {
    const r = await rt.startCalls({
      agent: 'assistant',
      tenant: 'capped',
      count: 30,
      concurrency: 30,
      say: ['hold'],
      think_ms: 300,
    });
    assert.equal(r.started, 2);
    assert.deepEqual(r.rejected, { tenant_cap: 28 });
    assert.equal(r.succeeded, 2);
  });

  it('the breaker opens on agents-js failures (entry rejecting) and not on healthy sessions', async () => {
    for (let i = 0; i < 6; i++) {
      await rt.startCalls({ agent: 'assistant', tenant: 'broken', say: ['hi'] });
      await rt.startCalls({ agent: 'assistant', tenant: 'healthy', say: ['hi'] });
    }
    const snap = rt.snapshot();
    assert.equal(snap.tenants['broken']!.breaker.state, 'open');
    assert.equal(snap.tenants['healthy']!.breaker.state, 'closed');
    assert.equal(snap.tenants['healthy']!.failures, 0);
    assert.ok((snap.tenants['broken']!.rejections_by_reason.circuit_open ?? 0) >= 1);
    const failed = (await rt.logs({ tenant: 'broken' })).records.find((x) =>
      String(x.message).startsWith('session failed'),
    );
    assert.match(String(failed?.message), /Error: provider key rejected for broken/);
    assert.match(String(failed?.exc_info), /agents\/assistant\.ts:\d+/, 'the stack points into the agent file');
  });
});

describe('agents-js load failures', () => {
  it('no @livekit/agents installed: one clear error naming the folder and the npm command; our own agents keep running', async () => {
    const ws = makeWorkspace(
      {
        'agents/assistant.ts': stockAgent({ agentName: 'assistant' }),
        'agents/echo.ts': `import { defineAgent } from 'openrtc';
export default defineAgent({ name: 'echo', async entry(ctx) { for await (const t of ctx.userTurns()) ctx.say('echo ' + t); } });`,
      },
      {},
    );
    const rt = await Runtime.start({ workspaceDir: ws.dir, watch: false });
    try {
      const errors = (await rt.logs({})).records.filter(
        (x) => x.level === 'ERROR' || String(x.message).includes('assistant.ts'),
      );
      const error = errors.map((x) => String(x.message)).find((m) => m.includes('@livekit/agents is not installed'));
      assert.ok(error, errors.map((x) => x.message).join('\n'));
      assert.ok(error.includes(`${ws.dir}/agents`), error);
      assert.ok(error.includes('npm install --save-exact @livekit/agents@1.9.0 @livekit/rtc-node@0.13.35'), error);
      const r = await rt.startCalls({ agent: 'echo', tenant: 'acme', say: ['x'] });
      assert.equal(r.succeeded, 1);
    } finally {
      await rt.stop();
      ws.cleanup();
    }
  });

  it('a syntax error or a missing dependency gives a clear error and keeps the old version serving', async () => {
    const ws = makeAgentsJsWorkspace({ 'agents/assistant.ts': stockAgent({ agentName: 'assistant' }) }, {});
    const rt = await Runtime.start({ workspaceDir: ws.dir, watch: true });
    try {
      const file = `${ws.dir}/agents/assistant.ts`;
      const loadErrors = async (): Promise<string[]> =>
        (await rt.logs({})).records
          .map((x) => String(x.message))
          .filter((m) => m.includes(file) && /fail|error|Error/.test(m));
      ws.write(
        'agents/assistant.ts',
        stockAgent({ agentName: 'assistant' }).replace('await ctx.connect();', 'await ctx.connect(;'),
      );
      await waitFor(async () => (await loadErrors()).length >= 1);
      assert.match((await loadErrors()).join('\n'), new RegExp(`${file}:\\d+:\\d+`));
      let r = await rt.startCalls({ agent: 'assistant', tenant: 'acme', say: ['a'] });
      assert.equal(r.succeeded, 1, 'the old version still serves');

      ws.write(
        'agents/assistant.ts',
        `import 'left-pad-that-does-not-exist';\n` + stockAgent({ agentName: 'assistant' }),
      );
      await waitFor(async () => (await loadErrors()).some((m) => m.includes('left-pad-that-does-not-exist')));
      r = await rt.startCalls({ agent: 'assistant', tenant: 'acme', say: ['a'] });
      assert.equal(r.succeeded, 1, 'the old version still serves');
    } finally {
      await rt.stop();
      ws.cleanup();
    }
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
