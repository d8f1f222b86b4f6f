// Fleet breakers against a real redis-server (issue 15, Deliver 3): three gates, each with its own
// link and subscriber as three runtimes would have. Outcomes of one go to the shared window; the open
// decision is made once; the other two refuse within a second (by pub/sub, and by the poll alone
// when pub/sub is off); one claim for the fleet after the cooldown; a healthy tenant is untouched.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { FleetBreakerStore } from '../../runtime/fleet/fleet-breaker-store';
import { FleetBreakers } from '../../runtime/fleet/fleet-breakers';
import { fleetKeys } from '../../runtime/fleet/keys';
import { DEFAULT_BREAKER_SETTINGS, TenantBreakers, type BreakerTransition } from '../../runtime/policy/breaker';
import { systemClock } from '../../runtime/policy/clock';
import { RedisServer } from '../helpers/redis-server';
import { waitFor } from '../livekit/wait';

const SETTINGS = { ...DEFAULT_BREAKER_SETTINGS, enabled: true, cooldownS: 1.5, minSamples: 4, failureRatio: 0.5 };

interface Member {
  id: string;
  gate: FleetBreakers;
  transitions: { t: BreakerTransition; by: string; atMs: number }[];
  warnings: string[];
  up(): boolean;
  close(): Promise<void>;
}

async function member(url: string, prefix: string, id: string, pubsub: boolean, pollMs: number): Promise<Member> {
  const redis = new Redis(url, { lazyConnect: true });
  await redis.connect();
  const sub = pubsub ? redis.duplicate() : null;
  // An outage is reported by the status (fleetUp), not by error events.
  redis.on('error', () => undefined);
  sub?.on('error', () => undefined);
  const keys = fleetKeys(prefix);
  const transitions: Member['transitions'] = [];
  const warnings: string[] = [];
  const gate = new FleetBreakers({
    local: new TenantBreakers(SETTINGS, systemClock, () => undefined),
    store: new FleetBreakerStore(redis, keys),
    subscriber: sub,
    channel: keys.breakerChannel(),
    runtimeId: id,
    clock: systemClock,
    fleetUp: () => redis.status === 'ready',
    onTransition: (t, by) => transitions.push({ t, by, atMs: Date.now() }),
    warn: (_tenant, line) => warnings.push(line),
    pollMs,
    claimTtlMs: 3000,
  });
  gate.start();
  return {
    id,
    gate,
    transitions,
    warnings,
    up: () => redis.status === 'ready',
    async close() {
      gate.dispose();
      sub?.disconnect();
      redis.disconnect();
    },
  };
}

/** One session through a gate, as admission and the session manager drive it. */
function session(m: Member, tenant: string, ok: boolean | null): 'refused' | 'ran' | 'probe' {
  if (!m.gate.check(tenant).allowed) return 'refused';
  const probe = m.gate.admitted(tenant);
  if (ok !== null) m.gate.record(tenant, ok, probe);
  return probe ? 'probe' : 'ran';
}

async function fleetOf(url: string, prefix: string, pubsub: boolean, pollMs = 250): Promise<Member[]> {
  const ms = await Promise.all(['rt-a', 'rt-b', 'rt-c'].map((id) => member(url, prefix, id, pubsub, pollMs)));
  // Subscribed and first poll done.
  await new Promise((r) => setTimeout(r, 400));
  return ms;
}

describe('fleet breakers with a real redis-server', () => {
  let redis: RedisServer;
  before(async () => {
    redis = await RedisServer.start();
  });
  after(async () => {
    await redis.dispose();
  });

  for (const pubsub of [true, false]) {
    it(`failures on one runtime open the tenant on all three within 1 s (${pubsub ? 'pub/sub' : 'poll only'})`, async (t) => {
      // With pub/sub the poll is slowed to 10 s, so a refusal within 1 s proves the announcement did it.
      const fleet = await fleetOf(redis.url, `t${pubsub ? 'p' : 'n'}:`, pubsub, pubsub ? 10_000 : 250);
      const [a, b, c] = fleet as [Member, Member, Member];
      try {
        for (let i = 0; i < 4; i++) assert.equal(session(a, 'acme', false), 'ran');
        await waitFor('the open decision on rt-a', () => a.transitions.some((x) => x.t.kind === 'opened'));
        const decidedAt = a.transitions.find((x) => x.t.kind === 'opened')!.atMs;
        const refusedAt = new Map<string, number>();
        await waitFor(
          'rt-b and rt-c refusing acme',
          () => {
            for (const m of [b, c]) {
              if (!refusedAt.has(m.id) && !m.gate.check('acme').allowed) refusedAt.set(m.id, Date.now());
            }
            return refusedAt.size === 2;
          },
          5000,
        );
        const delays = [...refusedAt.values()].map((t) => t - decidedAt);
        // Generous for a loaded host: pub/sub takes milliseconds, the poll runs every 250 ms.
        for (const d of delays) assert.ok(d < 1000, `refused ${d} ms after the decision`);
        t.diagnostic(`refused on rt-b, rt-c ${delays.join(', ')} ms after rt-a's decision`);
        // Decided once: every runtime reports the same opening, by rt-a.
        for (const m of fleet) {
          const opened = m.transitions.filter((x) => x.t.kind === 'opened');
          assert.equal(opened.length, 1, `${m.id} saw ${opened.length} openings`);
          assert.equal(opened[0]?.by, 'rt-a');
          assert.equal(m.gate.snapshot('acme').state, 'open');
          assert.equal(m.gate.fleetView('acme').decided_by, 'rt-a');
        }
        // A healthy tenant is untouched everywhere.
        for (const m of fleet) assert.equal(session(m, 'globex', true), 'ran');
        assert.deepEqual(
          fleet.map((m) => m.warnings),
          [[], [], []],
        );
      } finally {
        await Promise.all(fleet.map((m) => m.close()));
      }
    });
  }

  it('after the cooldown the fleet runs one probe, and its success closes the breaker everywhere', async () => {
    const fleet = await fleetOf(redis.url, 'probe:', true);
    const [a] = fleet as [Member, Member, Member];
    try {
      for (let i = 0; i < 4; i++) session(a, 'acme', false);
      await waitFor('open everywhere', () => fleet.every((m) => m.gate.snapshot('acme').state === 'open'));
      await new Promise((r) => setTimeout(r, 1600));
      // Sessions arrive at all three while the probe is out: exactly one becomes the probe.
      const results: string[] = [];
      let probeOn: Member | null = null;
      await waitFor(
        'a probe somewhere',
        () => {
          for (const m of fleet) {
            const r = session(m, 'acme', null);
            results.push(`${m.id}:${r}`);
            if (r === 'probe') probeOn = m;
            assert.notEqual(r, 'ran', 'half-open admits probes only');
          }
          return probeOn !== null;
        },
        5000,
      );
      for (let i = 0; i < 20; i++) {
        for (const m of fleet) assert.equal(session(m, 'acme', null), 'refused', `${m.id} admitted a second probe`);
        await new Promise((r) => setTimeout(r, 25));
      }
      const prober = probeOn as unknown as Member;
      assert.equal(prober.gate.fleetView('acme').probe_here, 1);
      assert.deepEqual(prober.gate.fleetView('acme').probes, [prober.id]);
      prober.gate.record('acme', true, true);
      await waitFor('closed everywhere', () => fleet.every((m) => m.gate.snapshot('acme').state === 'closed'));
      for (const m of fleet) {
        assert.equal(session(m, 'acme', true), 'ran');
        assert.deepEqual(
          m.transitions.map((x) => x.t.kind),
          ['opened', 'half_open', 'closed'],
          `${m.id} (probe on ${prober.id}): ${JSON.stringify(m.transitions)} ${m.warnings.join(';')}`,
        );
      }
    } finally {
      await Promise.all(fleet.map((m) => m.close()));
    }
  });

  it('refuses a record that does not parse, keeps what it had and says where', async () => {
    const fleet = await fleetOf(redis.url, 'bad:', true);
    const [a, b] = fleet as [Member, Member, Member];
    const raw = new Redis(redis.url);
    try {
      for (let i = 0; i < 4; i++) session(a, 'acme', false);
      await waitFor('open on rt-b', () => b.gate.snapshot('acme').state === 'open');
      await raw.publish('bad:breaker', '{"tenant":"acme","record":{"state":"shut"}}');
      await raw.hset('bad:breakers', 'evil', 'not json');
      await raw.incr('bad:breakers:rev');
      await waitFor('the warning on the announcement', () =>
        b.warnings.some((w) => /announcement on bad:breaker: record: state must be one of/.test(w)),
      );
      await waitFor('the warning on the record', () => b.warnings.some((w) => /record of 'evil': not JSON/.test(w)));
      assert.equal(b.gate.snapshot('acme').state, 'open');
    } finally {
      raw.disconnect();
      await Promise.all(fleet.map((m) => m.close()));
    }
  });

  // Last: it stops the server.
  it('while Redis is away (fail_open) a tenant the fleet opened stays refused until its retry time; others go by the local breaker', async () => {
    const fleet = await fleetOf(redis.url, 'away:', true);
    const [a, b] = fleet as [Member, Member, Member];
    try {
      for (let i = 0; i < 4; i++) session(a, 'acme', false);
      await waitFor('open on rt-b', () => b.gate.snapshot('acme').state === 'open');
      await redis.stop();
      await waitFor('rt-b seeing Redis gone', () => !b.up());
      assert.equal(session(b, 'acme', true), 'refused', 'the last known opening holds');
      assert.equal(session(b, 'globex', true), 'ran');
      // After the retry time the per-runtime breaker decides: closed here.
      await new Promise((r) => setTimeout(r, 1700));
      assert.equal(session(b, 'acme', true), 'ran');
    } finally {
      await Promise.all(fleet.map((m) => m.close()));
    }
  });
});
