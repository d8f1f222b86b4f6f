// Real @livekit/agents 1.9.0 agents (no mocks of agents-js) answering local calls in the runtime.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Runtime } from '../../runtime/runtime';
import { makeAgentsJsWorkspace, stockAgent } from './agents-js-workspace';
import type { Workspace } from './engine-workspace';

describe('agents-js agents answer local calls', () => {
  let ws: Workspace;
  let rt: Runtime;
  before(async () => {
    ws = makeAgentsJsWorkspace(
      {
        'agents/assistant.ts': stockAgent({
          agentName: 'assistant',
          extraRules: `{ when: /explode/, reply: () => { throw new Error('provider answered 500'); } },`,
        }),
      },
      { max_concurrent_sessions: 50 },
    );
    rt = await Runtime.start({ workspaceDir: ws.dir, watch: false });
  });
  after(async () => {
    await rt.stop();
    ws.cleanup();
  });

  const dialogue = async (sessionId: string): Promise<string[]> =>
    (await rt.logs({ session_id: sessionId })).records.filter((x) => x.logger === 'call').map((x) => x.message);

  it('a stock-shaped file (top-level cli.runApp) loads under its captured agentName, answers, and runs its tool', async () => {
    const r = await rt.startCalls({ agent: 'assistant', tenant: 'acme', say: ['your hours?', 'a', 'b'] });
    assert.equal(r.succeeded, 1, JSON.stringify(r));
    const lines = await dialogue(r.sessions[0]!);
    // Each turn waits for one reply (the greeting answers the first); the tool's answer is its own reply.
    assert.deepEqual(
      lines.filter((l) => l.startsWith('caller:')),
      ['caller: your hours?', 'caller: a', 'caller: b'],
    );
    for (const reply of ['Hello from acme', 'acme is open 9 to 5 on Monday', `acme heard a in AJ_${r.sessions[0]}`])
      assert.ok(lines.includes(`agent: ${reply}`), `${reply} in\n${lines.join('\n')}`);
  });

  it("agents-js's own records land in the session's scoped log, named by module", async () => {
    const r = await rt.startCalls({ agent: 'assistant', tenant: 'globex', say: ['hello'] });
    const records = (await rt.logs({ session_id: r.sessions[0]! })).records;
    const lk = records.filter((x) => String(x.logger).startsWith('livekit.agents'));
    assert.ok(
      lk.some((x) => x.logger === 'livekit.agents.voice.agent_session' && x.level === 'INFO'),
      lk.map((x) => `${x.level} ${x.logger}`).join('\n'),
    );
    for (const x of lk) assert.deepEqual([x.tenant, x.agent_name], ['globex', 'assistant']);
  });

  it('an AgentSession error that is not recoverable (the LLM failing) fails the session, with the error', async () => {
    const r = await rt.startCalls({ agent: 'assistant', tenant: 'acme', say: ['explode', 'again'] });
    assert.deepEqual([r.started, r.failed], [1, 1]);
    const failed = (await rt.logs({ session_id: r.sessions[0]! })).records.find((x) =>
      String(x.message).startsWith('session failed'),
    );
    assert.match(String(failed?.message), /provider answered 500/);
  });
});
