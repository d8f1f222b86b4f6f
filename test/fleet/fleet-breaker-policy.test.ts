// The fleet breaker's decisions (runtime/fleet/fleet-breaker-policy.ts), pure and in virtual time:
// several runtimes computing from the same record, a compare-and-set that lets exactly one decision
// land (as the store's script does), claims that bound the fleet's probes and expire with a dead runtime.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_BREAKER_SETTINGS } from '../../runtime/policy/breaker';
import {
  CLOSED_RECORD,
  claimProbe,
  gate,
  observedTransition,
  onCooldownOver,
  onDisabled,
  onProbeOutcome,
  onWindow,
  releaseClaim,
  renewClaims,
  retryAtMs,
  type FleetBreakerRecord,
  type Step,
} from '../../runtime/fleet/fleet-breaker-policy';

const S = {
  ...DEFAULT_BREAKER_SETTINGS,
  enabled: true,
  cooldownS: 30,
  minSamples: 5,
  failureRatio: 0.5,
  maxCooldownS: 100,
};
const T0 = Date.UTC(2026, 0, 1);

/** The store's compare-and-set, in memory: a step lands only on the version it was computed from. */
class Shared {
  record: FleetBreakerRecord = CLOSED_RECORD;
  writes = 0;
  decide(from: FleetBreakerRecord, step: Step | null): boolean {
    if (step === null || from.version !== this.record.version) return false;
    this.record = step.next;
    this.writes++;
    return true;
  }
}

function openShared(at = T0): Shared {
  const shared = new Shared();
  assert.ok(shared.decide(shared.record, onWindow('acme', shared.record, { failures: 5, samples: 5 }, S, 'rt-a', at)));
  return shared;
}

describe('fleet breaker policy', () => {
  it('opens once the shared window crosses the ratio with enough samples, not before', () => {
    assert.equal(onWindow('acme', CLOSED_RECORD, { failures: 4, samples: 4 }, S, 'rt-a', T0), null);
    assert.equal(onWindow('acme', CLOSED_RECORD, { failures: 3, samples: 6 }, S, 'rt-a', T0), null);
    assert.equal(
      onWindow('acme', CLOSED_RECORD, { failures: 5, samples: 5 }, { ...S, enabled: false }, 'rt-a', T0),
      null,
    );
    const step = onWindow('acme', CLOSED_RECORD, { failures: 4, samples: 7 }, S, 'rt-a', T0);
    assert.ok(step);
    assert.equal(step.next.state, 'open');
    assert.equal(step.next.version, 1);
    assert.equal(step.next.decidedBy, 'rt-a');
    assert.deepEqual(step.next.openedOn, { failures: 4, samples: 7 });
    assert.equal(step.clearWindow, true);
    assert.deepEqual(step.transition, { kind: 'opened', tenant: 'acme', failures: 4, samples: 7, cooldownS: 30 });
    assert.equal(retryAtMs(step.next, S), T0 + 30_000);
  });

  it('three runtimes deciding on the same record: exactly one decision lands', () => {
    const shared = new Shared();
    const from = shared.record;
    const landed = ['rt-a', 'rt-b', 'rt-c'].filter((me) =>
      shared.decide(from, onWindow('acme', from, { failures: 6, samples: 6 }, S, me, T0)),
    );
    assert.deepEqual(landed, ['rt-a']);
    // The losers re-read: already open, nothing left to decide.
    assert.equal(onWindow('acme', shared.record, { failures: 7, samples: 7 }, S, 'rt-b', T0 + 5), null);
    assert.equal(shared.record.timesOpened, 1);
  });

  it('goes half-open after the cooldown, once, whoever tries first', () => {
    const shared = openShared();
    assert.equal(onCooldownOver('acme', shared.record, S, 'rt-b', T0 + 29_999), null);
    const from = shared.record;
    const landed = ['rt-b', 'rt-c'].filter((me) =>
      shared.decide(from, onCooldownOver('acme', from, S, me, T0 + 30_000)),
    );
    assert.deepEqual(landed, ['rt-b']);
    assert.equal(shared.record.state, 'half_open');
    assert.equal(onCooldownOver('acme', shared.record, S, 'rt-c', T0 + 30_001), null);
  });

  it('the fleet gets half_open_probes claims, not one per runtime; an expired claim frees its place', () => {
    const shared = openShared();
    let won: string[] = [];
    for (const me of ['rt-a', 'rt-b', 'rt-c']) {
      // An open record past its cooldown goes half-open in the claiming write itself.
      if (shared.decide(shared.record, claimProbe('acme', shared.record, S, me, T0 + 31_000, 10_000))) won.push(me);
    }
    assert.deepEqual(won, ['rt-a']);
    assert.equal(shared.record.state, 'half_open');
    assert.equal(shared.record.claims.length, 1);
    // rt-a dies holding its claim: after the TTL another runtime may probe.
    assert.equal(claimProbe('acme', shared.record, S, 'rt-b', T0 + 40_999, 10_000), null);
    won = [];
    for (const me of ['rt-b', 'rt-c']) {
      if (shared.decide(shared.record, claimProbe('acme', shared.record, S, me, T0 + 41_001, 10_000))) won.push(me);
    }
    assert.deepEqual(won, ['rt-b']);
    assert.deepEqual(
      shared.record.claims.map((c) => c.owner),
      ['rt-b'],
    );
    // Renewing keeps the owner's claim alive past its first expiry.
    assert.ok(shared.decide(shared.record, renewClaims(shared.record, 'rt-b', T0 + 50_000, 10_000)));
    assert.equal(claimProbe('acme', shared.record, S, 'rt-c', T0 + 52_000, 10_000), null);
  });

  it('a probe success closes it; a failure reopens with the cooldown doubled and capped', () => {
    const shared = openShared();
    assert.ok(shared.decide(shared.record, claimProbe('acme', shared.record, S, 'rt-a', T0 + 30_000, 10_000)));
    // Not rt-b's claim: its outcome decides nothing.
    assert.equal(onProbeOutcome('acme', shared.record, true, S, 'rt-b', T0 + 30_500), null);
    const fail = onProbeOutcome('acme', shared.record, false, S, 'rt-a', T0 + 31_000);
    assert.ok(fail && shared.decide(shared.record, fail));
    assert.equal(shared.record.state, 'open');
    assert.equal(shared.record.reopenCount, 1);
    assert.equal(retryAtMs(shared.record, S), T0 + 31_000 + 60_000);
    assert.equal(fail.transition?.kind, 'opened');
    // Twice more: 120 s would exceed max_cooldown_s 100.
    assert.ok(shared.decide(shared.record, claimProbe('acme', shared.record, S, 'rt-a', T0 + 91_000, 10_000)));
    assert.ok(shared.decide(shared.record, onProbeOutcome('acme', shared.record, false, S, 'rt-a', T0 + 91_500)));
    assert.equal(retryAtMs(shared.record, S), T0 + 91_500 + 100_000);
    assert.ok(shared.decide(shared.record, claimProbe('acme', shared.record, S, 'rt-c', T0 + 191_500, 10_000)));
    const ok = onProbeOutcome('acme', shared.record, true, S, 'rt-c', T0 + 192_000);
    assert.ok(ok && shared.decide(shared.record, ok));
    assert.equal(shared.record.state, 'closed');
    assert.equal(shared.record.reopenCount, 0);
    assert.deepEqual(ok.transition, { kind: 'closed', tenant: 'acme' });
    assert.equal(ok.clearWindow, true);
  });

  it('with two probes it closes only when both succeeded; a released claim is free again', () => {
    const two = { ...S, halfOpenProbes: 2 };
    const shared = openShared();
    assert.ok(shared.decide(shared.record, claimProbe('acme', shared.record, two, 'rt-a', T0 + 30_000, 10_000)));
    assert.ok(shared.decide(shared.record, claimProbe('acme', shared.record, two, 'rt-b', T0 + 30_001, 10_000)));
    assert.equal(claimProbe('acme', shared.record, two, 'rt-c', T0 + 30_002, 10_000), null);
    assert.ok(shared.decide(shared.record, releaseClaim(shared.record, 'rt-b', T0 + 30_100)));
    assert.ok(shared.decide(shared.record, claimProbe('acme', shared.record, two, 'rt-c', T0 + 30_200, 10_000)));
    assert.ok(shared.decide(shared.record, onProbeOutcome('acme', shared.record, true, two, 'rt-a', T0 + 31_000)));
    assert.equal(shared.record.state, 'half_open');
    // One success counts: no third claim while rt-c probes.
    assert.equal(claimProbe('acme', shared.record, two, 'rt-b', T0 + 31_100, 10_000), null);
    assert.ok(shared.decide(shared.record, onProbeOutcome('acme', shared.record, true, two, 'rt-c', T0 + 32_000)));
    assert.equal(shared.record.state, 'closed');
  });

  it('the gate: closed admits, open refuses until its retry time, half-open admits only a claim holder', () => {
    const shared = openShared();
    assert.deepEqual(gate(CLOSED_RECORD, S, T0, 0), { kind: 'allow' });
    assert.deepEqual(gate(shared.record, S, T0 + 10, 0), { kind: 'refuse', retryAtMs: T0 + 30_000, claim: false });
    assert.deepEqual(gate(shared.record, S, T0 + 30_000, 0), { kind: 'refuse', retryAtMs: T0 + 30_000, claim: true });
    assert.deepEqual(gate(shared.record, { ...S, enabled: false }, T0 + 10, 0), { kind: 'allow' });
    assert.ok(shared.decide(shared.record, claimProbe('acme', shared.record, S, 'rt-a', T0 + 30_000, 10_000)));
    assert.deepEqual(gate(shared.record, S, T0 + 30_001, 1), { kind: 'probe' });
    assert.deepEqual(gate(shared.record, S, T0 + 30_001, 0), { kind: 'refuse', retryAtMs: null, claim: false });
    assert.deepEqual(gate(shared.record, S, T0 + 40_001, 0), { kind: 'refuse', retryAtMs: null, claim: true });
  });

  it('a watcher sees each transition once, a reopening too; turning the breaker off closes it', () => {
    const shared = openShared();
    const opened = shared.record;
    assert.equal(observedTransition('acme', CLOSED_RECORD, opened, S)?.kind, 'opened');
    assert.equal(observedTransition('acme', opened, opened, S), null);
    assert.ok(shared.decide(shared.record, claimProbe('acme', shared.record, S, 'rt-a', T0 + 30_000, 10_000)));
    assert.equal(observedTransition('acme', opened, shared.record, S)?.kind, 'half_open');
    assert.ok(shared.decide(shared.record, onProbeOutcome('acme', shared.record, false, S, 'rt-a', T0 + 30_500)));
    // A watcher that missed the half-open still sees a new opening (times_opened moved).
    assert.deepEqual(observedTransition('acme', opened, shared.record, S), {
      kind: 'opened',
      tenant: 'acme',
      failures: 1,
      samples: 1,
      cooldownS: 60,
    });
    const off = onDisabled('acme', shared.record, 'rt-b', T0 + 31_000);
    assert.ok(off && shared.decide(shared.record, off));
    assert.equal(shared.record.state, 'closed');
    assert.equal(onDisabled('acme', shared.record, 'rt-b', T0 + 31_001), null);
  });
});
