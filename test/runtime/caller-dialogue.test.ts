import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RuntimeEvent } from '../../protocol/control';
import { parseScenario } from '../../runtime/caller/scenario';
import { Runtime } from '../../runtime/runtime';
import { BUSY_AGENT, makeWorkspace, type Workspace } from './engine-workspace';

const WAITER = `
import { defineAgent } from 'openrtc';
export default defineAgent({
  name: 'waiter',
  async entry(ctx) {
    ctx.signal.addEventListener('abort', () => ctx.log.info('signal aborted: %s', ctx.signal.reason));
    let n = 0;
    for await (const turn of ctx.userTurns()) ctx.say('reply ' + ++n + ' to ' + turn);
    ctx.log.info('turns ended');
  },
});
`;

describe('local caller', () => {
  let ws: Workspace;
  let rt: Runtime;
  before(async () => {
    ws = makeWorkspace(
      { 'agents/waiter.ts': WAITER, 'agents/busy.ts': BUSY_AGENT('busy', 60) },
      { max_concurrent_sessions: 500 },
    );
    rt = await Runtime.start({ workspaceDir: ws.dir, watch: false });
  });
  after(async () => {
    await rt.stop();
    ws.cleanup();
  });

  it('speaks scripted turns with think-time, records replies, then hangs up', async () => {
    const t0 = performance.now();
    const r = await rt.startCalls({
      agent: 'waiter',
      tenant: 'acme',
      say: ['menu', 'table for 2', 'bye'],
      think_ms: 100,
    });
    const elapsed = performance.now() - t0;
    assert.equal(r.succeeded, 1);
    assert.ok(elapsed >= 390, `four think pauses of 100 ms (took ${Math.round(elapsed)} ms)`);
    const lines = (await rt.logs({ session_id: r.sessions[0]! })).records
      .filter((x) => x.logger !== 'openrtc')
      .map((x) => x.message);
    assert.deepEqual(lines, [
      'caller: menu',
      'agent: reply 1 to menu',
      'caller: table for 2',
      'agent: reply 2 to table for 2',
      'caller: bye',
      'agent: reply 3 to bye',
      'signal aborted: hang-up',
      'turns ended',
    ]);
  });

  it('load runs respect concurrency and rate', async () => {
    let live = 0;
    let maxLive = 0;
    const off = rt.onEvent((e: RuntimeEvent) => {
      if (e.type === 'session_started' && e.tenant === 'load') maxLive = Math.max(maxLive, ++live);
      if (
        (e.type === 'session_ended' || e.type === 'session_failed' || e.type === 'session_cancelled') &&
        e.tenant === 'load'
      )
        live--;
    });
    const bounded = await rt.startCalls({ agent: 'busy', tenant: 'load', count: 30, concurrency: 4 });
    assert.deepEqual([bounded.started, bounded.succeeded, maxLive], [30, 30, 4]);

    maxLive = 0;
    const t0 = performance.now();
    const paced = await rt.startCalls({ agent: 'busy', tenant: 'load', count: 20, concurrency: 20, rate: 40 });
    const elapsed = performance.now() - t0;
    off();
    assert.equal(paced.succeeded, 20);
    // 20 calls at 40/s: the last starts ~475 ms in. Generous bound: the machine is shared.
    assert.ok(elapsed >= 450, `paced over ~0.5 s (took ${Math.round(elapsed)} ms)`);
    assert.ok(maxLive < 20, `pacing kept calls from all being live at once (max ${maxLive})`);
  });

  it('wait:false returns once every call is placed, with their ids', async () => {
    const r = await rt.startCalls({ agent: 'busy', tenant: 'async', count: 5, wait: false });
    assert.equal(r.started, 5);
    assert.equal(r.sessions.length, 5);
    assert.equal(r.succeeded, 0, 'the calls are still running');
    assert.equal(rt.snapshot().tenants['async']?.active, 5);
  });

  it('bad call requests are refused before anything starts', async () => {
    const before = rt.snapshot().total_sessions_started;
    await assert.rejects(rt.startCalls({ agent: 'nope', tenant: 'acme' }), /no agent named "nope"/);
    await assert.rejects(rt.startCalls({ agent: 'busy', tenant: 'bad tenant!' }), /tenant.*contains " "/);
    await assert.rejects(rt.startCalls({ agent: 'busy', count: 0 }), /count/);
    assert.equal(rt.snapshot().total_sessions_started, before);
  });
});

describe('scenario files', () => {
  it('reads turns and pacing; errors name the file and key', () => {
    assert.deepEqual(parseScenario('s.json', '{"turns": ["hi", {"say": "bye"}], "think_ms": 250}'), {
      turns: ['hi', 'bye'],
      thinkMs: 250,
    });
    assert.throws(
      () => parseScenario('s.json', '{"turns": ["hi", 3]}'),
      /^ScenarioError: s\.json: turns\[1\]: must be a string/,
    );
    assert.throws(() => parseScenario('s.json', '{"turns": [], "think": 1}'), /s\.json: think: unknown key/);
    assert.throws(
      () => parseScenario('s.json', '{"turns": [], "think_ms": -1}'),
      /s\.json: think_ms: must be a whole number/,
    );
    assert.throws(() => parseScenario('s.json', '{"turns": '), /s\.json: not valid JSON/);
    assert.throws(
      () => parseScenario('s.json', '{"turns": [], "reply_timeout_ms": 1.5}'),
      /s\.json: reply_timeout_ms: must be a whole number/,
    );
    assert.throws(
      () => parseScenario('s.json', JSON.stringify({ turns: ['x'.repeat(10_001)] })),
      /s\.json: turns\[0\]: is 10001 characters/,
    );
    assert.throws(
      () => parseScenario('s.json', JSON.stringify({ turns: Array(1001).fill('hi') })),
      /s\.json: turns: has 1001 turns/,
    );
  });
});
