import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Admission, type Slot } from '../../runtime/policy/admission';
import { DEFAULT_BREAKER_SETTINGS, TenantBreakers } from '../../runtime/policy/breaker';
import { Runtime } from '../../runtime/runtime';
import { VirtualClock } from './engine-virtual-clock';
import { BUSY_AGENT, makeWorkspace, type Workspace } from './engine-workspace';

function policy(caps: { max?: number; tenant?: Record<string, number>; agent?: Record<string, number> } = {}) {
  const clock = new VirtualClock();
  const breakers = new TenantBreakers(
    { ...DEFAULT_BREAKER_SETTINGS, enabled: true, minSamples: 2 },
    clock,
    () => undefined,
  );
  const admission = new Admission(
    { maxConcurrentSessions: caps.max ?? 10_000, tenantCaps: caps.tenant ?? {}, agentCaps: caps.agent ?? {} },
    breakers,
    (name) => name === 'a' || name === 'b',
  );
  return { admission, breakers };
}

describe('admission chain (pure)', () => {
  it('1,000 simultaneous requests against a cap of 10 admit exactly 10', () => {
    const { admission } = policy({ tenant: { acme: 10 } });
    const results = Array.from({ length: 1000 }, () => admission.admit({ tenant: 'acme', agent: 'a' }));
    assert.equal(results.filter((r) => r.ok).length, 10);
    assert.equal(admission.activeForTenant('acme'), 10);
    assert.deepEqual(admission.rejectionsFor('acme'), { tenant_cap: 990 });
    const rejected = results.find((r) => !r.ok);
    assert.equal(
      rejected && !rejected.ok && rejected.message,
      "Rejecting session for tenant 'acme': at per-tenant cap (10).",
    );
  });

  it('"*" caps unlisted tenants; a listed tenant uses its own cap', () => {
    const { admission } = policy({ tenant: { '*': 2, big: 5 } });
    const admitted = (t: string) =>
      Array.from({ length: 10 }, () => admission.admit({ tenant: t, agent: 'a' })).filter((r) => r.ok).length;
    assert.equal(admitted('x'), 2);
    assert.equal(admitted('y'), 2);
    assert.equal(admitted('big'), 5);
  });

  it('lowering a cap keeps live sessions and refuses new ones until below the new cap', () => {
    const { admission } = policy({ tenant: { acme: 10 } });
    const slots = Array.from({ length: 10 }, () => admission.admit({ tenant: 'acme', agent: 'a' })).flatMap((r) =>
      r.ok ? [r.slot] : [],
    );
    admission.setTenantCap('acme', 3);
    assert.equal(admission.activeForTenant('acme'), 10, 'live sessions untouched');
    const releaseAndTry = (slot: Slot) => {
      admission.release(slot);
      return admission.admit({ tenant: 'acme', agent: 'a' }).ok;
    };
    // 10 → 9 ... → 3 live: every admission attempt on the way down is refused.
    for (let i = 0; i < 7; i++) assert.equal(releaseAndTry(slots[i]!), false, `at ${10 - i - 1} live`);
    admission.release(slots[7]!);
    assert.equal(admission.admit({ tenant: 'acme', agent: 'a' }).ok, true, 'below the cap again');
    admission.setTenantCap('acme', null);
    assert.equal(admission.tenantCap('acme'), 10, 'clearing the override restores the config cap');
  });

  it('release is idempotent: a double release cannot open an extra slot', () => {
    const { admission } = policy({ tenant: { acme: 1 } });
    const r = admission.admit({ tenant: 'acme', agent: 'a' });
    assert.ok(r.ok);
    admission.release(r.slot);
    admission.release(r.slot);
    assert.equal(admission.activeTotal(), 0);
    assert.equal(admission.admit({ tenant: 'acme', agent: 'a' }).ok, true);
    assert.equal(admission.admit({ tenant: 'acme', agent: 'a' }).ok, false);
  });

  it('checks in order: draining, tenant id, agent, breaker, tenant cap, agent cap, worker cap', () => {
    const { admission, breakers } = policy({ max: 3, tenant: { acme: 1 }, agent: { b: 1 } });
    assert.equal(reason(admission.admit({ tenant: 'bad id', agent: 'zzz' })), 'invalid_tenant');
    assert.equal(reason(admission.admit({ tenant: 'acme', agent: 'zzz' })), 'unknown_agent');
    assert.ok(admission.admit({ tenant: 'acme', agent: 'a' }).ok);
    breakers.record('acme', false, false);
    breakers.record('acme', false, false);
    assert.equal(reason(admission.admit({ tenant: 'acme', agent: 'a' })), 'circuit_open', 'breaker before tenant cap');
    assert.equal(reason(admission.admit({ tenant: 'other', agent: 'a' })), 'accepted');
    assert.equal(reason(admission.admit({ tenant: 'o2', agent: 'b' })), 'accepted');
    assert.equal(reason(admission.admit({ tenant: 'o3', agent: 'b' })), 'agent_cap');
    assert.equal(reason(admission.admit({ tenant: 'o3', agent: 'a' })), 'worker_cap');
    admission.setDraining(true);
    assert.equal(reason(admission.admit({ tenant: 'bad id', agent: 'zzz' })), 'draining', 'draining is outermost');
  });

  it('rejects bad tenant ids with a reason and never relabels them', () => {
    const { admission } = policy();
    const cases: [unknown, RegExp][] = [
      ['', /must not be empty/],
      ['a'.repeat(129), /129 characters long/],
      ['acme corp', /contains " "/],
      ['acme/../x', /contains "\/"/],
      [' acme', /contains " "/],
      [42, /must be a string, got number/],
      [null, /must be a string, got null/],
    ];
    for (const [tenant, why] of cases) {
      const r = admission.admit({ tenant, agent: 'a' });
      assert.equal(r.ok, false);
      assert.ok(!r.ok && r.reason === 'invalid_tenant' && r.tenant === null);
      assert.match(!r.ok ? r.message : '', why);
    }
    assert.equal(admission.activeTotal(), 0);
    assert.equal(admission.knownTenants().length, 0, 'no tenant record is created for a bad id');
    assert.equal(admission.admit({ tenant: 'a'.repeat(128), agent: 'a' }).ok, true);
  });
});

function reason(r: ReturnType<Admission['admit']>): string {
  return r.ok ? 'accepted' : r.reason;
}

describe('exact caps through the running runtime', () => {
  let ws: Workspace;
  let rt: Runtime;
  before(async () => {
    ws = makeWorkspace(
      { 'agents/hold.ts': BUSY_AGENT('hold', 40), 'agents/long.ts': BUSY_AGENT('long', 150) },
      { max_sessions_per_tenant: { acme: 10 }, max_concurrent_sessions: 5000 },
    );
    rt = await Runtime.start({ workspaceDir: ws.dir, watch: false });
  });
  after(async () => {
    await rt.stop();
    ws.cleanup();
  });

  /** Active count for `tenant` sampled at every session start: the only moment it can rise. */
  function watchActive(tenant: string): { samples: { active: number; cap: number | null }[]; stop: () => void } {
    const samples: { active: number; cap: number | null }[] = [];
    const stop = rt.onEvent((e) => {
      if (e.type === 'session_started' && e.tenant === tenant) {
        const t = rt.snapshot().tenants[tenant];
        samples.push({ active: t?.active ?? -1, cap: t?.cap ?? null });
      }
    });
    return { samples, stop };
  }

  it('1,000 simultaneous calls for a tenant capped at 10: never more than 10 active', async () => {
    const w = watchActive('acme');
    const result = await rt.startCalls({ agent: 'hold', tenant: 'acme', count: 1000, concurrency: 1000 });
    w.stop();
    assert.equal(result.started, 10);
    assert.equal(result.rejected.tenant_cap, 990);
    assert.equal(result.succeeded, 10);
    assert.equal(Math.max(...w.samples.map((s) => s.active)), 10);
    assert.equal(rt.snapshot().tenants['acme']?.active, 0, 'every slot released at session end');
  });

  it('a cap changed under load applies at once, without killing live sessions', async () => {
    const w = watchActive('acme');
    // 1,200 calls over ~1.5 s, each running 150 ms: demand (~120 live) stays above every cap.
    const run = rt.startCalls({ agent: 'long', tenant: 'acme', count: 1200, concurrency: 1200, rate: 800 });
    await sleep(400);
    const beforeLower = w.samples.length;
    rt.setTenantCap({ tenant: 'acme', cap: 3 });
    await sleep(400);
    const beforeRaise = w.samples.length;
    rt.setTenantCap({ tenant: 'acme', cap: 25 });
    const result = await run;
    w.stop();
    rt.setTenantCap({ tenant: 'acme', cap: null });

    assert.equal(result.failed + result.cancelled, 0, 'lowering the cap killed no session');
    const phase1 = w.samples.slice(0, beforeLower);
    const phase2 = w.samples.slice(beforeLower, beforeRaise);
    const phase3 = w.samples.slice(beforeRaise);
    assert.ok(
      phase1.length > 0 && phase2.length > 0 && phase3.length > 0,
      `each phase admitted sessions (${phase1.length}/${phase2.length}/${phase3.length})`,
    );
    for (const s of w.samples) assert.ok(s.cap !== null && s.active <= s.cap, `active ${s.active} over cap ${s.cap}`);
    assert.equal(Math.max(...phase1.map((s) => s.active)), 10);
    assert.ok(Math.max(...phase2.map((s) => s.active)) <= 3);
    assert.ok(Math.max(...phase3.map((s) => s.active)) > 10, 'the raised cap is used');
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
