// Session outcomes as the breaker sees them, through the real runtime (real timers, short
// settings): failures open it, the timer half-opens it, a probe closes or reopens it (with a
// longer cooldown), a long healthy session counts as a success before it ends, operator cancels
// are not failures, and other tenants never notice.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RuntimeEvent } from '../../protocol/control';
import { Runtime } from '../../runtime/runtime';
import { makeWorkspace, type Workspace } from './engine-workspace';

const MOODY = `
import { defineAgent } from 'openrtc';
export default defineAgent({
  name: 'moody',
  async entry(ctx) {
    if (ctx.metadata.fail === 'sync') throw new Error('no provider for ' + ctx.tenant);
    if (ctx.metadata.fail === 'async') { await new Promise((r) => setTimeout(r, 5)); throw new Error('provider hung up'); }
    const holdMs = Number(ctx.metadata.hold_ms ?? 0);
    await new Promise((resolve) => {
      const t = setTimeout(resolve, holdMs);
      ctx.signal.addEventListener('abort', () => { if (ctx.signal.reason !== 'hang-up') { clearTimeout(t); resolve(undefined); } });
    });
  },
});
`;

describe('session outcomes and the breaker through the runtime', () => {
  let ws: Workspace;
  let rt: Runtime;
  const events: RuntimeEvent[] = [];
  before(async () => {
    ws = makeWorkspace(
      { 'agents/moody.ts': MOODY },
      {
        enable_tenant_circuit_breaker: true,
        tenant_circuit_min_samples: 3,
        tenant_circuit_failure_ratio: 0.5,
        tenant_circuit_cooldown_s: 1,
        tenant_circuit_success_after_s: 0.3,
      },
    );
    rt = await Runtime.start({ workspaceDir: ws.dir, watch: false });
    rt.onEvent((e) => events.push(e));
  });
  after(async () => {
    await rt.stop();
    ws.cleanup();
  });

  const call = (tenant: string, metadata: Record<string, unknown> = {}, count = 1) =>
    rt.startCalls({ agent: 'moody', tenant, metadata, count, concurrency: 1 });
  const waitFor = (type: RuntimeEvent['type'], tenant: string, timeoutMs = 5000) =>
    new Promise<RuntimeEvent>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} for ${tenant}`)), timeoutMs);
      const off = rt.onEvent((e) => {
        if (e.type === type && 'tenant' in e && e.tenant === tenant) {
          clearTimeout(timer);
          off();
          resolve(e);
        }
      });
    });

  it('opens after >ratio failures with min samples, rejects, half-opens on its timer, a good probe closes it', async () => {
    const r = await call('flaky', { fail: 'sync' }, 5);
    assert.deepEqual([r.started, r.failed, r.rejected.circuit_open], [3, 3, 2]);
    const opened = events.find((e) => e.type === 'breaker_opened' && e.tenant === 'flaky');
    assert.deepEqual(opened && { ...opened, ts: 'x' }, {
      type: 'breaker_opened',
      ts: 'x',
      tenant: 'flaky',
      failures: 3,
      samples: 3,
      cooldown_s: 1,
    });
    assert.equal(rt.snapshot().tenants['flaky']?.breaker.state, 'open');
    assert.ok(rt.snapshot().tenants['flaky']?.breaker.retry_at);

    const steady = await call('steady', {}, 5);
    assert.equal(steady.succeeded, 5, 'another tenant is not affected');

    await waitFor('breaker_half_open', 'flaky'); // no request needed: the timer does it
    assert.equal(rt.snapshot().tenants['flaky']?.breaker.state, 'half_open');
    const closed = waitFor('breaker_closed', 'flaky');
    const probe = await call('flaky');
    assert.equal(probe.succeeded, 1);
    await closed;
    const messages = (await rt.logs({ limit: 10_000 })).records.map((x) => x.message);
    assert.ok(
      messages.includes(
        "[circuit-breaker] tenant 'flaky' opened after 3/3 failures; rejecting its new sessions for 1s",
      ),
    );
    assert.ok(messages.includes("[circuit-breaker] tenant 'flaky' recovered"));
    assert.ok(messages.includes("Rejecting session for tenant 'flaky': circuit breaker open."));
  });

  it('a failed probe reopens with a longer cooldown; late async failures count', async () => {
    await call('relapse', { fail: 'async' }, 3);
    await waitFor('breaker_half_open', 'relapse');
    const reopened = waitFor('breaker_opened', 'relapse');
    const probe = await call('relapse', { fail: 'sync' });
    assert.equal(probe.failed, 1);
    const e = await reopened;
    assert.ok(e.type === 'breaker_opened' && e.cooldown_s === 2, JSON.stringify(e));
    assert.equal(rt.snapshot().tenants['relapse']?.breaker.times_opened, 2);
  });

  it('a long healthy session counts as a success before it ends; an operator cancel is not a failure', async () => {
    const run = rt.startCalls({ agent: 'moody', tenant: 'longcall', metadata: { hold_ms: 10_000 }, wait: false });
    const { sessions } = await run;
    await new Promise((r) => setTimeout(r, 500));
    const t = rt.snapshot().tenants['longcall'];
    assert.equal(t?.active, 1);
    assert.equal(t?.breaker.samples, 1, 'success recorded at the healthy mark while still live');
    assert.equal(t?.breaker.failures, 0);
    const cancelled = waitFor('session_cancelled', 'longcall');
    rt.cancelSession({ session_id: sessions[0]! });
    await cancelled;
    const after = rt.snapshot().tenants['longcall'];
    assert.deepEqual([after?.active, after?.failures, after?.breaker.failures], [0, 0, 0]);
    assert.throws(() => rt.cancelSession({ session_id: sessions[0]! }), /no live session/);
  });
});
