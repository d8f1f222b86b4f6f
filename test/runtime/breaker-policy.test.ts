import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_BREAKER_SETTINGS, TenantBreakers, type BreakerTransition } from '../../runtime/policy/breaker';
import { VirtualClock } from './engine-virtual-clock';

const ON = { ...DEFAULT_BREAKER_SETTINGS, enabled: true, cooldownS: 30, failureRatio: 0.5, minSamples: 5, windowS: 60 };

function setup(settings = ON) {
  const clock = new VirtualClock();
  const transitions: BreakerTransition[] = [];
  const b = new TenantBreakers(settings, clock, (t) => transitions.push(t));
  return { clock, transitions, b };
}

/** Runs one session through the breaker the way the runtime does: check, admit, record. */
function session(b: TenantBreakers, tenant: string, ok: boolean): boolean {
  if (!b.check(tenant).allowed) return false;
  const probe = b.admitted(tenant);
  b.record(tenant, ok, probe);
  return true;
}

describe('tenant circuit breaker (virtual time)', () => {
  it('does not open below min_samples even at 100% failures', () => {
    const { b, transitions } = setup();
    for (let i = 0; i < 4; i++) session(b, 'acme', false);
    assert.equal(b.snapshot('acme').state, 'closed');
    assert.equal(transitions.length, 0);
    session(b, 'acme', false);
    assert.equal(b.snapshot('acme').state, 'open');
    assert.deepEqual(transitions, [{ kind: 'opened', tenant: 'acme', failures: 5, samples: 5, cooldownS: 30 }]);
  });

  it('opens only when failures/total is strictly greater than the ratio', () => {
    const { b } = setup();
    // 3 ok + 3 fail = exactly 0.5: stays closed.
    for (const ok of [true, true, true, false, false, false]) session(b, 'acme', ok);
    assert.equal(b.snapshot('acme').state, 'closed');
    assert.deepEqual([b.snapshot('acme').failures, b.snapshot('acme').samples], [3, 6]);
    session(b, 'acme', false); // 4/7 > 0.5
    assert.equal(b.snapshot('acme').state, 'open');
    // The window is cleared on opening; the snapshot keeps the counts it opened on, for the operator.
    assert.deepEqual([b.snapshot('acme').failures, b.snapshot('acme').samples], [4, 7]);
  });

  it('forgets outcomes older than the window', () => {
    const { b, clock } = setup();
    for (let i = 0; i < 4; i++) session(b, 'acme', false);
    clock.advance(61_000);
    session(b, 'acme', false);
    assert.equal(b.snapshot('acme').state, 'closed');
    assert.equal(b.snapshot('acme').samples, 1);
  });

  it('rejects for the cooldown, then goes half-open on the timer without any request', () => {
    const { b, clock, transitions } = setup();
    for (let i = 0; i < 5; i++) session(b, 'acme', false);
    const snap = b.snapshot('acme');
    assert.equal(snap.retry_at, new Date(clock.wallTime() + 30_000).toISOString());
    clock.advance(29_999);
    assert.equal(b.check('acme').allowed, false);
    clock.advance(1);
    // No check() call in between: the timer alone moved the state.
    assert.equal(transitions.at(-1)?.kind, 'half_open');
    assert.equal(b.snapshot('acme').state, 'half_open');
  });

  it('half-open admits a bounded number of probes and closes when they succeed', () => {
    const { b, clock, transitions } = setup({ ...ON, halfOpenProbes: 2 });
    for (let i = 0; i < 5; i++) session(b, 'acme', false);
    clock.advance(30_000);
    assert.equal(b.check('acme').allowed, true);
    const p1 = b.admitted('acme');
    const p2 = b.admitted('acme');
    assert.deepEqual([p1, p2], [true, true]);
    assert.equal(b.check('acme').allowed, false, 'a third concurrent probe is refused');
    b.record('acme', true, p1);
    assert.equal(b.snapshot('acme').state, 'half_open');
    b.record('acme', true, p2);
    assert.equal(b.snapshot('acme').state, 'closed');
    assert.deepEqual(transitions.at(-1), { kind: 'closed', tenant: 'acme' });
    assert.equal(b.check('acme').allowed, true);
  });

  it('a failed probe reopens with a growing cooldown, capped', () => {
    const { b, clock, transitions } = setup({ ...ON, maxCooldownS: 100 });
    for (let i = 0; i < 5; i++) session(b, 'acme', false);
    const cooldowns = [30];
    for (let round = 0; round < 4; round++) {
      clock.advance(cooldowns.at(-1)! * 1000);
      assert.equal(b.snapshot('acme').state, 'half_open');
      assert.equal(session(b, 'acme', false), true, 'the probe is admitted');
      const opened = transitions.at(-1);
      assert.equal(opened?.kind, 'opened');
      cooldowns.push(opened?.kind === 'opened' ? opened.cooldownS : -1);
    }
    assert.deepEqual(cooldowns, [30, 60, 100, 100, 100]);
    // A success after the growth closes and resets the growth.
    clock.advance(100_000);
    session(b, 'acme', true);
    assert.equal(b.snapshot('acme').state, 'closed');
    for (let i = 0; i < 5; i++) session(b, 'acme', false);
    assert.deepEqual(transitions.at(-1), { kind: 'opened', tenant: 'acme', failures: 5, samples: 5, cooldownS: 30 });
  });

  it('never affects other tenants', () => {
    const { b } = setup();
    for (let i = 0; i < 10; i++) session(b, 'bad', false);
    assert.equal(b.snapshot('bad').state, 'open');
    for (let i = 0; i < 100; i++) assert.equal(session(b, 'good', i % 3 !== 0), true);
    assert.equal(b.snapshot('good').state, 'closed');
    assert.equal(b.snapshot('bad').state, 'open');
  });

  it('late outcomes of pre-opening sessions do not decide half-open', () => {
    const { b, clock } = setup();
    for (let i = 0; i < 5; i++) session(b, 'acme', false);
    clock.advance(30_000);
    b.record('acme', false, false); // a session admitted before the opening fails late
    assert.equal(b.snapshot('acme').state, 'half_open');
  });

  it('settings change at run time per tenant; disabling lets the tenant in at once', () => {
    const { b } = setup();
    b.setTenantSettings('acme', { minSamples: 2, cooldownS: 5 });
    session(b, 'acme', false);
    session(b, 'acme', false);
    assert.equal(b.snapshot('acme').state, 'open');
    assert.equal(b.snapshot('acme').cooldown_s, 5);
    assert.equal(b.settings('other').minSamples, 5, 'other tenants keep the defaults');
    b.setTenantSettings('acme', { enabled: false });
    assert.equal(b.check('acme').allowed, true);
    assert.equal(b.snapshot('acme').enabled, false);
  });

  it('a cooldown tuned while open re-times the open period in progress', () => {
    const { b, clock, transitions } = setup();
    for (let i = 0; i < 5; i++) session(b, 'acme', false);
    const openedAt = clock.wallTime();
    clock.advance(10_000);
    b.setTenantSettings('acme', { cooldownS: 60 }); // too eager: hold it longer
    assert.equal(b.snapshot('acme').cooldown_s, 60);
    assert.equal(b.snapshot('acme').retry_at, new Date(openedAt + 60_000).toISOString());
    clock.advance(49_999);
    assert.equal(b.snapshot('acme').state, 'open');
    clock.advance(1);
    assert.equal(b.snapshot('acme').state, 'half_open');
    session(b, 'acme', false); // the probe fails: reopens at 2 × 60
    assert.equal(b.snapshot('acme').cooldown_s, 120);
    clock.advance(5_000);
    b.setTenantSettings('acme', { cooldownS: 1 }); // too slow: 2 × 1 s is already past
    assert.equal(b.snapshot('acme').state, 'half_open');
    assert.deepEqual(
      transitions.map((t) => t.kind),
      ['opened', 'half_open', 'opened', 'half_open'],
    );
  });

  it('disabled by default: never opens', () => {
    const { b } = setup(DEFAULT_BREAKER_SETTINGS);
    for (let i = 0; i < 50; i++) assert.equal(session(b, 'acme', false), true);
    assert.equal(b.snapshot('acme').state, 'closed');
  });

  it('evicts idle closed tenants so memory follows active tenants', () => {
    const { b, clock } = setup();
    for (let i = 0; i < 1000; i++) session(b, `t${i}`, true);
    assert.equal(b.trackedTenants().length, 1000);
    clock.advance(181_000);
    b.check('t0');
    assert.equal(b.trackedTenants().length, 0);
  });
});
