// The control thread's policy in virtual time: what it answers itself, what it forwards, and
// how a request that the blocked loop never took fails (and is then never applied).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ControlError, ErrorCodes, noFoldedTenants, type RuntimeSnapshot } from '../../protocol/control';
import { describeLoopBlock, type LoopBlockState } from '../../protocol/loop-block';
import { SLOT_COUNT, Slot } from '../../runtime/attribution/messages';
import { FRESH_READ_WAIT_MS, Forwarder } from '../../runtime/control/thread/forwarder';
import { LiveBlockView } from '../../runtime/control/thread/live-block';
import { LoopClaim } from '../../runtime/control/thread/loop-claim';
import type { FromControlThread } from '../../runtime/control/thread/messages';

const WS = '/ws';
const snapshot = (active: number): RuntimeSnapshot => ({
  timestamp: 0,
  uptime_seconds: 1,
  registered_agents: 1,
  active_sessions: active,
  total_sessions_started: active,
  total_session_failures: 0,
  last_error: null,
  sessions_by_agent: {},
  sessions_by_tenant: {},
  max_concurrent_sessions: 10,
  tenants: {},
  folded_tenants: noFoldedTenants(),
  loop_lag: { p50_ms: 0, p99_ms: 0, max_ms: 0 },
  rss_mb: 1,
  draining: false,
  sessions: [],
});

function rig() {
  let now = 10_000;
  const buffer = new SharedArrayBuffer(SLOT_COUNT * Float64Array.BYTES_PER_ELEMENT);
  const hb = new Float64Array(buffer);
  hb[Slot.enabled] = 1;
  hb[Slot.thresholdMs] = 50;
  hb[Slot.heartbeatMs] = 5;
  hb[Slot.heartbeat] = now;
  const timers: { at: number; fn: () => void; live: boolean }[] = [];
  const sent: FromControlThread[] = [];
  const live = new LiveBlockView(buffer, () => now);
  const forwarder = new Forwarder({
    send: (m) => sent.push(m),
    live,
    hello: {
      protocol_version: 1,
      runtime_version: 't',
      pid: 1,
      node_version: 'v',
      workspace: WS,
      config_path: null,
      log_file: 'x',
      capabilities: [],
    },
    snapshot: snapshot(1),
    setTimer: (fn, ms) => {
      const t = { at: now + ms, fn, live: true };
      timers.push(t);
      return { cancel: () => (t.live = false) };
    },
  });
  const advance = (ms: number): void => {
    now += ms;
    for (const t of timers) {
      if (!t.live || t.at > now) continue;
      t.live = false;
      t.fn();
    }
  };
  const beat = (): void => void (hb[Slot.heartbeat] = now);
  const requests = () => sent.filter((m) => m.type === 'request');
  return { forwarder, live, sent, advance, beat, requests, now: () => now };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('control thread forwarder', () => {
  it('answers hello itself, and forwards a command the loop serves in time', async () => {
    const r = rig();
    assert.equal(((await r.forwarder.call('hello', {}, 0)) as { workspace: string }).workspace, WS);
    assert.equal(r.sent.length, 0, 'hello never reaches the main thread');
    const pending = r.forwarder.call('setTenantCap', { tenant: 'a', cap: 1 }, 1000);
    const [req] = r.requests();
    assert.ok(req && req.type === 'request');
    assert.equal(new LoopClaim(req.claim).take(), true, 'the loop takes it within the bound');
    r.advance(2000); // the bound passes while the loop runs it: it is not failed
    r.forwarder.onMain({ type: 'response', id: req.id, result: { cap: 1 } });
    assert.deepEqual(await pending, { cap: 1 });
  });

  it('fails a command the blocked loop did not take in time, naming the block; the loop then drops it', async () => {
    const r = rig();
    r.advance(100); // no beat: the loop is blocked
    r.live.onLive({
      type: 'stall',
      stamp: r.now() - 100,
      sample: {
        at: r.now(),
        scope: { session_id: 'SES_1', tenant: 'spinco', agent_name: 'spinner' },
        frames: [{ function: 'spin', file: `${WS}/agents/spinner.ts`, line: 4, column: 3 }],
      },
    });
    const pending = r.forwarder.call('setTenantCap', { tenant: 'a', cap: 1 }, 1000);
    r.advance(1000);
    await assert.rejects(pending, (e: unknown) => {
      assert.ok(e instanceof ControlError);
      assert.equal(e.code, ErrorCodes.LoopBlocked);
      assert.equal(
        e.message,
        'setTenantCap not applied after waiting 1000 ms: the event loop has been blocked for 1.1 s by session SES_1 (tenant spinco, agent spinner) at agents/spinner.ts:4; nothing changed (retry, or wait longer)',
      );
      return true;
    });
    const [req] = r.requests();
    assert.ok(req && req.type === 'request');
    assert.equal(new LoopClaim(req.claim).take(), false, 'the main loop must not serve it after the error');
  });

  it('snapshot: fresh from the loop when it beats; the published one plus the live block when blocked', async () => {
    const r = rig();
    const fresh = r.forwarder.call('snapshot', {}, 0);
    const [req] = r.requests();
    assert.ok(req && req.type === 'request');
    new LoopClaim(req.claim).take();
    r.forwarder.onMain({ type: 'response', id: req.id, result: snapshot(2) });
    assert.equal(((await fresh) as RuntimeSnapshot).active_sessions, 2);

    // Beating but slow to answer: the published state after FRESH_READ_WAIT_MS, no block named.
    const slow = r.forwarder.call('snapshot', {}, 0);
    r.advance(FRESH_READ_WAIT_MS);
    r.beat();
    const s = (await slow) as RuntimeSnapshot;
    assert.equal(s.active_sessions, 2);
    assert.equal(s.loop, null);

    r.advance(300);
    const before = r.requests().length;
    const blocked = (await r.forwarder.call('snapshot', {}, 0)) as RuntimeSnapshot;
    assert.equal(r.requests().length, before, 'a blocked loop is not asked');
    assert.equal(blocked.active_sessions, 2);
    assert.equal(blocked.loop?.blocked_ms, 300);
    assert.equal(blocked.loop?.sampled, false);
    await flush();
  });

  it('asks the main thread for events only while someone subscribes', () => {
    const r = rig();
    const seen: string[] = [];
    const stopA = r.forwarder.onEvent((e) => seen.push(`a:${e.type}`));
    const stopB = r.forwarder.onEvent((e) => seen.push(`b:${e.type}`));
    r.forwarder.onMain({ type: 'event', event: { type: 'draining', ts: 'now' } });
    stopA();
    stopB();
    assert.deepEqual(seen, ['a:draining', 'b:draining']);
    assert.deepEqual(
      r.sent.map((m) => (m.type === 'events' ? m.wanted : m.type)),
      [true, false],
    );
  });
});

describe('describeLoopBlock', () => {
  const block: LoopBlockState = {
    since_ms: 0,
    blocked_ms: 4230,
    session_id: null,
    tenant: null,
    agent_name: null,
    frames: [
      { function: 'x', file: '/ws/node_modules/lib/a.js', line: 9, column: 1 },
      { function: 'y', file: '/elsewhere/b.ts', line: 2, column: 1 },
    ],
    sampled: true,
  };
  it('names runtime code, agent frames before library ones, paths outside the workspace whole', () => {
    assert.equal(
      describeLoopBlock(block, '/ws'),
      'the event loop has been blocked for 4.2 s by runtime code outside any session at /elsewhere/b.ts:2',
    );
    assert.equal(
      describeLoopBlock({ ...block, sampled: false, frames: [] }),
      'the event loop has been blocked for 4.2 s by code not sampled yet',
    );
  });
});
