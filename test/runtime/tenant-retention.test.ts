// Per-tenant counters stay bounded when a caller mints tenant ids: the oldest idle tenants are
// folded into one aggregate, tenants in use never are, and the totals still add up.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TenantRetention } from '../../runtime/engine/tenant-retention';
import { Runtime } from '../../runtime/runtime';
import { BUSY_AGENT, makeWorkspace, type Workspace } from './engine-workspace';

describe('tenant retention (pure)', () => {
  it('folds the least recently seen idle tenants beyond the limit, in order', () => {
    const folded: string[] = [];
    const r = new TenantRetention(
      3,
      () => false,
      (t) => folded.push(t),
    );
    for (const t of ['a', 'b', 'c', 'a', 'd', 'e']) r.touch(t);
    assert.deepEqual(folded, ['b', 'c'], 'a was seen again before d arrived');
    assert.equal(r.size, 3);
  });

  it('never folds a pinned tenant, and bounds the work of one touch when pinned ones crowd the old end', () => {
    const folded: string[] = [];
    const pinned = new Set(Array.from({ length: 20 }, (_, i) => `p${i}`));
    const r = new TenantRetention(
      2,
      (t) => pinned.has(t),
      (t) => folded.push(t),
    );
    for (const t of pinned) r.touch(t);
    assert.equal(folded.length, 0, 'pinned tenants are never folded');
    for (let i = 0; i < 50; i++) r.touch(`idle${i}`);
    assert.ok(
      folded.every((t) => t.startsWith('idle')),
      folded.join(),
    );
    assert.ok(r.size <= 20 + 2 + 1, `kept ${r.size}`);
    assert.throws(
      () =>
        new TenantRetention(
          0,
          () => false,
          () => undefined,
        ),
      /at least 1, got 0/,
    );
  });
});

describe('tenant retention in a running runtime', () => {
  let ws: Workspace;
  let rt: Runtime;
  before(async () => {
    ws = makeWorkspace({ 'agents/hold.ts': BUSY_AGENT('hold', 5) }, { max_sessions_per_tenant: { '*': 5, vip: 2 } });
    rt = await Runtime.start({ workspaceDir: ws.dir, watch: false, retainedTenants: 20 });
  });
  after(async () => {
    await rt.stop();
    ws.cleanup();
  });

  it('200 minted tenant ids: at most 20 idle tenants kept, the rest folded, totals equal the per-tenant sums', async () => {
    rt.setTenantCap({ tenant: 'operator-capped', cap: 1 });
    await rt.startCalls({ agent: 'hold', tenant: 'vip' });
    for (let i = 0; i < 200; i++) {
      // Every tenth asks for 7 at once against a cap of 5: two tenant_cap rejections each.
      await rt.startCalls({ agent: 'hold', tenant: `minted-${i}`, count: i % 10 === 0 ? 7 : 1, concurrency: 7 });
    }
    const s = rt.snapshot();
    const names = Object.keys(s.tenants);
    assert.ok(names.length <= 22, `${names.length} tenants in the snapshot`);
    assert.ok(names.includes('vip'), 'a tenant with a cap in openrtc.json is kept');
    assert.ok(names.includes('operator-capped'), 'a tenant with an operator cap is kept');
    assert.ok(names.includes('minted-199'), 'the most recent tenant is kept');
    assert.ok(!names.includes('minted-0'), 'the oldest idle tenant is folded');
    const kept = Object.values(s.tenants);
    const started = kept.reduce((n, t) => n + t.started, 0) + s.folded_tenants.started;
    const rejected =
      kept.reduce((n, t) => n + (t.rejections_by_reason.tenant_cap ?? 0), 0) +
      (s.folded_tenants.rejections_by_reason.tenant_cap ?? 0);
    assert.equal(started, s.total_sessions_started);
    assert.equal(started, 1 + 180 + 20 * 5);
    assert.equal(rejected, 20 * 2);
    assert.equal(s.folded_tenants.tenants + names.filter((n) => n.startsWith('minted-')).length, 200);
    const { records } = await rt.logs({ tenant: 'minted-0' });
    assert.match(records.at(-1)?.message ?? '', /tenant folded while idle \(started=5 failures=0 rejected=2\)/);
  });
});

/** Ignores the caller's hang-up and throws 1.5 s in, long after its session was ended. */
const LATE_FAILING_AGENT = `
import { defineAgent } from 'openrtc';
export default defineAgent({
  name: 'late',
  async entry() {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    throw new Error('failed after the caller hung up');
  },
});
`;

describe('tenant retention: a failure after the tenant was folded', () => {
  let ws: Workspace;
  let rt: Runtime;
  before(async () => {
    ws = makeWorkspace(
      { 'agents/hold.ts': BUSY_AGENT('hold', 5), 'agents/late.ts': LATE_FAILING_AGENT },
      { enable_tenant_circuit_breaker: false },
    );
    // The late agent ignores the hang-up: its session is ended 50 ms later, its entry runs on.
    rt = await Runtime.start({
      workspaceDir: ws.dir,
      watch: false,
      retainedTenants: 5,
      callScript: { hangUpGraceMs: 50 },
    });
  });
  after(async () => {
    await rt.stop();
    ws.cleanup();
  });

  it('counts it under the tenant again, and folds the tenant again once it is old', async () => {
    await rt.startCalls({ agent: 'late', tenant: 'late-tenant' });
    for (let i = 0; i < 10; i++) await rt.startCalls({ agent: 'hold', tenant: `first-${i}` });
    const folded = rt.snapshot();
    assert.ok(!('late-tenant' in folded.tenants), 'folded while its entry still runs');
    assert.equal(folded.total_session_failures, 0, 'the entry has not thrown yet');
    const deadline = Date.now() + 5000;
    while (rt.snapshot().total_session_failures === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(rt.snapshot().tenants['late-tenant']?.failures, 1, 'the late failure is counted under its tenant');
    for (let i = 0; i < 10; i++) await rt.startCalls({ agent: 'hold', tenant: `second-${i}` });
    const s = rt.snapshot();
    assert.ok(!('late-tenant' in s.tenants), 'folded again: its entry is not kept forever');
    assert.ok(Object.keys(s.tenants).length <= 6, `${Object.keys(s.tenants).length} tenants kept`);
    assert.equal(
      s.folded_tenants.failures + Object.values(s.tenants).reduce((n, t) => n + t.failures, 0),
      s.total_session_failures,
    );
    assert.equal(s.total_session_failures, 1);
  });
});
