// Local calls to real agents-js 1.9.0 agents (issue 12, Deliver 2, 3, 4, 6): the local room
// stand-in (ctx.waitForParticipant() returns the caller), the job's endings (ctx.shutdown(),
// room disconnect, a close with reason error) and the order of the end steps, each tenant's
// provider key kept to its own sessions, and the captured initializeProcessTimeout bounding prewarm.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Runtime } from '../../runtime/runtime';
import { makeAgentsJsWorkspace, stockAgent } from '../runtime/agents-js-workspace';
import type { Workspace } from '../runtime/engine-workspace';

const SCRIPTED_LLM = join(resolve(__dirname, '../..'), 'examples/lib/scripted-llm');

/** An agent whose dispatch metadata says how its job ends; every end step notes itself, in order. */
const ENDINGS = `import { cli, defineAgent, log, ServerOptions, voice, type JobContext } from '@livekit/agents';
import { fileURLToPath } from 'node:url';
import { ScriptedLLM } from ${JSON.stringify(SCRIPTED_LLM)};

const note = (m: string) => log().info('order: ' + m);

export default defineAgent({
  entry: async (ctx: JobContext) => {
    const end = JSON.parse(ctx.job.metadata).end;
    ctx.addShutdownCallback(async () => note('shutdown callback'));
    let session: voice.AgentSession;
    const finish = () => {
      if (end === 'shutdown') ctx.shutdown('done talking');
      if (end === 'disconnect') void ctx.room.disconnect();
      if (end === 'close_error') session.shutdown({ drain: false, reason: voice.CloseReason.ERROR });
      return 'finishing';
    };
    session = new voice.AgentSession({ llm: new ScriptedLLM([{ when: /end/, reply: finish }, { when: /./, reply: (t) => 'ok ' + t }]) });
    session.on(voice.AgentSessionEventTypes.Close, (ev) => note('session closed (' + ev.reason + ')'));
    await session.start({ agent: new voice.Agent({ instructions: 'Say ok' }), room: ctx.room });
    note('entry returned');
  },
  onSessionEnd: async () => note('onSessionEnd'),
});

cli.runApp(new ServerOptions({ agent: fileURLToPath(import.meta.url), agentName: 'endings' }));
`;

/** An agent whose prewarm never finishes, under a 300 ms initializeProcessTimeout. */
const SLOW_PREWARM = `import { cli, defineAgent, ServerOptions } from '@livekit/agents';
import { fileURLToPath } from 'node:url';
export default defineAgent({
  prewarm: () => new Promise(() => undefined),
  entry: async () => undefined,
});
cli.runApp(new ServerOptions({ agent: fileURLToPath(import.meta.url), agentName: 'slowprewarm', initializeProcessTimeout: 300 }));
`;

const KEYS = { ACME_LLM_KEY: 'sk-acme-7f3a9c1e55d2', GLOBEX_LLM_KEY: 'sk-globex-0b8d4e6a21c9' };
const fingerprint = (key: string): string => createHash('sha256').update(key).digest('hex').slice(0, 12);

describe('agents-js local jobs: room stand-in, endings, provider keys, prewarm bound', () => {
  let ws: Workspace;
  let rt: Runtime;
  before(async () => {
    ws = makeAgentsJsWorkspace(
      {
        'agents/endings.ts': ENDINGS,
        'agents/slowprewarm.ts': SLOW_PREWARM,
        'agents/greeter.ts': stockAgent({
          agentName: 'greeter',
          beforeStart: `const caller = await ctx.waitForParticipant();`,
          extraRules: `{ when: /who/, reply: () => 'talking to ' + caller.identity },
            { when: /key/, reply: () => 'key ' + require('node:crypto').createHash('sha256').update(String(currentSession()?.tenantConfig.llm_api_key)).digest('hex').slice(0, 12) },`,
        }).replace(
          `import { fileURLToPath } from 'node:url';`,
          `import { fileURLToPath } from 'node:url';\nimport { currentSession } from 'openrtc';`,
        ),
      },
      {
        max_concurrent_sessions: 50,
        tenant_config: { acme: { llm_api_key_env: 'ACME_LLM_KEY' }, globex: { llm_api_key_env: 'GLOBEX_LLM_KEY' } },
      },
    );
    rt = await Runtime.start({ workspaceDir: ws.dir, watch: false, env: { ...process.env, ...KEYS } });
  });
  after(async () => {
    await rt.stop();
    ws.cleanup();
  });

  // A text caller's turn is answered by the next reply: the greeting answers the first, so the
  // reply to turn n answers turn n + 1 (hence a last "bye").
  const messages = async (sessionId: string): Promise<string[]> =>
    (await rt.logs({ session_id: sessionId })).records.map((r) => String(r.message));

  it('ctx.waitForParticipant() in a local call returns the caller', async () => {
    const r = await rt.startCalls({ agent: 'greeter', tenant: 'acme', say: ['hi', 'who is there?', 'bye'] });
    assert.equal(r.succeeded, 1, JSON.stringify(r));
    const lines = await messages(r.sessions[0]!);
    assert.ok(lines.includes(`agent: talking to caller-${r.sessions[0]}`), lines.join('\n'));
  });

  for (const [end, cause, status, closeReason] of [
    ['shutdown', 'ctx.shutdown("done talking")', 'ended', 'user_initiated'],
    ['disconnect', 'room disconnected', 'ended', 'user_initiated'],
    ['close_error', 'AgentSession closed with reason error', 'failed', 'error'],
  ] as const) {
    it(`a job ended by ${cause}: session ${status}; then the session closes, onSessionEnd, the shutdown callbacks`, async () => {
      const r = await rt.startCalls({
        agent: 'endings',
        tenant: 'acme',
        metadata: { end },
        say: ['end now', 'never answered'],
      });
      assert.equal(r.started, 1);
      assert.equal(status === 'failed' ? r.failed : r.succeeded, 1, JSON.stringify(r));
      const lines = await messages(r.sessions[0]!);
      assert.ok(
        lines.some((l) => l.endsWith(`ended: ${cause}`)),
        lines.join('\n'),
      );
      assert.ok(!lines.includes('caller: never answered') || !lines.some((l) => l === 'agent: ok never answered'));
      const order = lines.filter((l) => l.startsWith('order: ')).map((l) => l.slice('order: '.length));
      // As LiveKit's finalizeSession: onSessionEnd runs once AgentSession.close() resolved (it does after any close).
      const expected = ['entry returned', `session closed (${closeReason})`, 'onSessionEnd', 'shutdown callback'];
      assert.deepEqual(order, expected, lines.join('\n'));
      if (status === 'failed')
        assert.ok(
          lines.some(
            (l) => l.startsWith('session failed') && l.endsWith('Error: AgentSession closed with reason error'),
          ),
          lines.join('\n'),
        );
    });
  }

  it("each tenant's sessions see their own provider key, never the other's (and no key in the log)", async () => {
    const [acme, globex] = await Promise.all([
      rt.startCalls({ agent: 'greeter', tenant: 'acme', count: 3, concurrency: 3, say: ['hi', 'key?', 'bye'] }),
      rt.startCalls({ agent: 'greeter', tenant: 'globex', count: 3, concurrency: 3, say: ['hi', 'key?', 'bye'] }),
    ]);
    assert.deepEqual([acme.succeeded, globex.succeeded], [3, 3]);
    for (const [result, key] of [
      [acme, KEYS.ACME_LLM_KEY],
      [globex, KEYS.GLOBEX_LLM_KEY],
    ] as const) {
      for (const sid of result.sessions) assert.ok((await messages(sid)).includes(`agent: key ${fingerprint(key)}`));
    }
    const raw = JSON.stringify(ws.readLog());
    for (const key of Object.values(KEYS)) assert.ok(!raw.includes(key), 'a provider key reached the log');
  });

  it("the file's initializeProcessTimeout bounds prewarm: a hanging prewarm fails the load, naming the bound", async () => {
    assert.equal(rt.jobHost().agent('slowprewarm'), undefined);
    const load = ws
      .readLog()
      .map((r) => String(r['message']))
      .find((m) => m.includes('slowprewarm.ts') && m.includes('prewarm failed'));
    assert.match(String(load), /prewarm did not finish within 300 ms \(ServerOptions\.initializeProcessTimeout\)/);
  });
});
