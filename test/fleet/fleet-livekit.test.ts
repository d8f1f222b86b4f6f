// Fleet caps across three runtimes (issue 15, Must show): three `openrtc run --livekit` processes,
// one stand-in LiveKit server, one real redis-server. Dispatches over 6 tenants capped fleet-wide
// at 2 each (each runtime alone would allow 2 per tenant, so 6 in all: only the leases keep it at
// 2). The fleet-wide active count per tenant never exceeds its cap, sampled from Redis throughout,
// from the three runtimes' snapshots on every session event, and rebuilt from the runtimes' own
// records of starts and ends; the totals reconcile with
// the three logs. One runtime is SIGKILLed mid-run: its leases expire within TTL + 1 s, and after
// the run Redis holds no lease. Default 150 dispatches (~30 s); OPENRTC_FLEET_FULL=1 runs 1,000.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { JobStatus } from '@livekit/protocol';
import { connectControl, type ControlClient } from '../../protocol/connect';
import { Redis } from 'ioredis';
import { fleetKeys } from '../../runtime/fleet/keys';
import { fleetTenantCounts } from '../../runtime/fleet/lease-store';
import { RedisServer } from '../helpers/redis-server';
import { StandInLiveKit, type JobRecord } from '../livekit/stand-in-server';
import { waitFor } from '../livekit/wait';
import { jsonLines, RECORDING_AGENT, WorkerRuntimes } from '../livekit/worker-runtimes';
import { makeWorkspace, type Workspace } from '../runtime/engine-workspace';
import { BuiltCli, exitOf } from '../runtime/cli-helpers';

const KEY = 'APIfleet';
const SECRET = 'fleet-secret-0c1d2e3f4a5b6c7d8e9f0a1b';
const PREFIX = 'fl:';
const FULL = process.env['OPENRTC_FLEET_FULL'] === '1';
const JOBS = FULL ? 1000 : 150;
const KILL_AT = Math.floor(JOBS / 2);
const IN_FLIGHT = 16;
const TENANTS = ['t0', 't1', 't2', 't3', 't4', 't5'];
const TENANT_CAP = 2;
const LEASE_TTL_S = 2;
const cli = new BuiltCli('fleet-livekit');

describe('three runtimes, one LiveKit, one Redis: tenant caps hold fleet-wide', () => {
  let redisServer: RedisServer;
  let redis: Redis;
  let server: StandInLiveKit;
  const fleet = new WorkerRuntimes(cli);
  const { spaces, children: runtimes } = fleet;
  const controls: ControlClient[] = [];
  const logOf = (ws: Workspace): Record<string, unknown>[] => jsonLines(join(ws.dir, '.openrtc/worker.jsonl'));
  const runtimeIdOf = (ws: Workspace): string | null => {
    for (const r of logOf(ws)) {
      const m = / as (\S+) \(key prefix/.exec(String(r['message']));
      if (m) return m[1]!;
    }
    return null;
  };

  before(async () => {
    cli.build();
    redisServer = await RedisServer.start();
    redis = new Redis(redisServer.url);
    server = await StandInLiveKit.start({ apiKey: KEY, apiSecret: SECRET, workerGoneTimeoutMs: 1_500 });
    await fleet.start(
      3,
      {
        max_concurrent_sessions: 12,
        max_sessions_per_tenant: { '*': TENANT_CAP },
        livekit: { agent_name: 'fleet', status_interval_ms: 100 },
        fleet: { redis_url_env: 'FLEET_REDIS', key_prefix: PREFIX, lease_ttl_s: LEASE_TTL_S },
      },
      { LIVEKIT_URL: server.url, LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET, FLEET_REDIS: redisServer.url },
    );
    await waitFor('three registrations', () => server.connectedWorkers('fleet').length === 3, 30_000);
    await waitFor('three runtimes in the fleet', () => spaces.every((ws) => runtimeIdOf(ws) !== null));
    for (const ws of spaces) {
      const link = await connectControl(join(ws.dir, 'rt.sock'), { timeoutMs: 10_000 });
      assert.equal(link.kind, 'openrtc');
      if (link.kind === 'openrtc') controls.push(link.client);
    }
  });

  after(async () => {
    for (const c of controls) c.close();
    fleet.dispose();
    await server.close();
    redis.disconnect();
    await redisServer.dispose();
    cli.remove();
  });

  it(`${JOBS} dispatches over 6 tenants, one runtime SIGKILLed half-way`, { timeout: 600_000 }, async () => {
    const keys = fleetKeys(PREFIX);
    const workerOf = new Map(server.connectedWorkers('fleet').map((w, i) => [w.id, i]));
    const killedId = runtimeIdOf(spaces[2]!)!;
    const jobs: JobRecord[] = [];
    let next = 0;
    let sampling = true;
    let samples = 0;
    const redisPeak = new Map<string, number>();
    let killedAt = 0;
    let leasesGoneAfterMs = -1;

    let heldAtKill = 0;
    const liveLeasesOf = async (runtimeId: string): Promise<number> => {
      const [sec, usec] = (await redis.time()).map(Number) as [number, number];
      return redis.zcount(keys.runtimeLeases(runtimeId), `(${sec * 1000 + Math.floor(usec / 1000)}`, '+inf');
    };
    // Every session event on any runtime: each live runtime's snapshot, its fleet-wide figure per
    // tenant (leases as it last read them) and its own active count, none above the cap.
    const snapshotPeak = new Map<string, number>();
    let snapshotSamples = 0;
    const sampleSnapshots = async (): Promise<void> => {
      for (const [index, control] of controls.entries()) {
        if (index === 2 && killedAt > 0) continue;
        const snap = await control.request('snapshot').catch(() => null); // the runtime being killed
        if (!snap) continue;
        snapshotSamples++;
        for (const t of TENANTS) {
          const tenant = snap.tenants[t];
          if (!tenant) continue;
          const seen = Math.max(tenant.active, tenant.fleet?.active ?? 0);
          snapshotPeak.set(t, Math.max(snapshotPeak.get(t) ?? 0, seen));
        }
      }
    };
    const snapshotSampling: Promise<void>[] = [];
    for (const control of controls) {
      await control.subscribe({ types: ['session_started', 'session_ended', 'session_failed'] }, () =>
        snapshotSampling.push(sampleSnapshots()),
      );
    }
    const sampler = (async () => {
      while (sampling) {
        for (const [t, n] of await fleetTenantCounts(redis, keys, TENANTS)) {
          redisPeak.set(t, Math.max(redisPeak.get(t) ?? 0, n));
        }
        samples++;
        if (killedAt > 0 && leasesGoneAfterMs < 0) {
          const live = await liveLeasesOf(killedId);
          if (live === 0) leasesGoneAfterMs = Date.now() - killedAt;
        }
        await new Promise((r) => setImmediate(r));
      }
    })();

    const call = (i: number) => ({
      agentName: 'fleet',
      room: `room-${i}`,
      metadata: JSON.stringify({ tenant: TENANTS[i % 6], n: i }),
    });
    // Killed past half-way at the first moment it holds leases, so their expiry is what is measured
    // (at one fixed dispatch it may hold none: the stand-in spreads by load); dispatching goes on.
    let killing: Promise<void> | null = null;
    const killWhenHolding = async (): Promise<void> => {
      if (killing) return;
      const held = await liveLeasesOf(killedId);
      if (held === 0 || killing) return;
      killing = (async () => {
        heldAtKill = held;
        runtimes[2]!.kill('SIGKILL');
        await exitOf(runtimes[2]!);
        killedAt = Date.now();
      })();
      await killing;
    };
    const lane = async (): Promise<void> => {
      while (next < JOBS) {
        const i = next++;
        if (i >= KILL_AT) await killWhenHolding();
        // A call no runtime has room for (all at the tenant's fleet cap) is dispatched again, as an
        // application would; each still runs exactly once.
        let job = await server.dispatch(call(i));
        while (job.error === 'no workers available') {
          await new Promise((r) => setTimeout(r, 20));
          job = await server.dispatch(call(i));
        }
        jobs[i] = job;
        await waitFor(`job ${i} to end`, () => job.endedAt !== null, 30_000);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
    assert.ok(killedAt > 0, 'the third runtime never held a lease in the second half of the run: never killed');
    await waitFor('the killed runtime to lose its leases', () => leasesGoneAfterMs >= 0, 10_000);
    sampling = false;
    await sampler;
    await Promise.all(snapshotSampling);

    // 1. Redis never showed a tenant above its cap.
    for (const t of TENANTS)
      assert.ok((redisPeak.get(t) ?? 0) <= TENANT_CAP, `Redis peak for ${t}: ${redisPeak.get(t)}`);
    assert.ok(
      [...redisPeak.values()].some((n) => n === TENANT_CAP),
      'no tenant ever reached its cap: caps not exercised',
    );

    // 2. Nor did any runtime's snapshot, taken on every session event.
    assert.ok(snapshotSamples >= JOBS, `only ${snapshotSamples} snapshot samples for ${JOBS} jobs`);
    for (const t of TENANTS)
      assert.ok((snapshotPeak.get(t) ?? 0) <= TENANT_CAP, `snapshot peak for ${t}: ${snapshotPeak.get(t)}`);
    assert.ok(
      [...snapshotPeak.values()].some((n) => n === TENANT_CAP),
      'no snapshot ever showed a tenant at its cap: the sampling saw nothing',
    );

    // 3. Nor did the runtimes' own records, merged on one timeline (an end before a start at a tie).
    // The killed runtime's sessions running at the kill never wrote their end: they ended with it.
    const killedNotes = fleet.notesOf(spaces[2]!);
    const ended = new Set(killedNotes.filter((n) => n.t === 'end').map((n) => n.job));
    for (const n of killedNotes.filter((x) => x.t === 'start' && !ended.has(x.job))) {
      killedNotes.push({ t: 'end', at: killedAt, job: n.job, tenant: n.tenant });
    }
    const all = [...fleet.notesOf(spaces[0]!), ...fleet.notesOf(spaces[1]!), ...killedNotes].sort(
      (a, b) => a.at - b.at || (a.t === 'end' ? -1 : 1),
    );
    const active = new Map<string, number>();
    const notePeak = new Map<string, number>();
    for (const n of all) {
      const v = (active.get(n.tenant) ?? 0) + (n.t === 'start' ? 1 : -1);
      active.set(n.tenant, v);
      notePeak.set(n.tenant, Math.max(notePeak.get(n.tenant) ?? 0, v));
    }
    for (const t of TENANTS) assert.ok((notePeak.get(t) ?? 0) <= TENANT_CAP, `fleet peak for ${t}: ${notePeak.get(t)}`);

    // 4. The SIGKILLed runtime held leases when it died, and they expired within TTL + 1 s.
    assert.ok(heldAtKill > 0, 'the killed runtime held no lease: nothing to expire');
    assert.ok(leasesGoneAfterMs <= LEASE_TTL_S * 1000 + 1000, `leases gone ${leasesGoneAfterMs} ms after the kill`);

    // 5. Totals reconcile: every successful job started once; each surviving runtime's log holds
    //    one "session started" per job it was assigned and one refusal per offer it refused.
    const starts = new Map<string, number>();
    for (const n of all) if (n.t === 'start') starts.set(n.job, (starts.get(n.job) ?? 0) + 1);
    for (const j of jobs) {
      if (j.status === JobStatus.JS_SUCCESS) assert.equal(starts.get(j.job.id), 1, `job ${j.job.id}`);
      else assert.equal(j.error, 'worker gone', `job ${j.job.id} failed: ${j.error}`);
    }
    const allRecords = [...server.jobs.values()];
    // The logs are flushed on a 200 ms timer.
    await new Promise((r) => setTimeout(r, 600));
    for (const [workerId, index] of workerOf) {
      if (index === 2) continue;
      const log = logOf(spaces[index]!);
      const started = log.filter((r) => String(r['message']).startsWith('session started')).length;
      const refused = log.filter((r) => String(r['message']).startsWith('Rejecting session')).length;
      assert.equal(started, allRecords.filter((j) => j.workerId === workerId).length, `runtime ${index} starts`);
      assert.equal(
        refused,
        allRecords.reduce((n, j) => n + j.refusedBy.filter((w) => w === workerId).length, 0),
      );
    }

    // 6. No lease leaks: with the run over, Redis holds no lease at all.
    let leaseKeys: string[] = [];
    for (let i = 0; i < 100; i++) {
      leaseKeys = await redis.keys(`${PREFIX}lease:*`);
      if (leaseKeys.length === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(leaseKeys, [], 'lease keys left after the run');
    process.stderr.write(
      `fleet-livekit: ${JOBS} jobs, ${samples} Redis samples, ${snapshotSamples} snapshot samples, peaks ${TENANTS.map((t) => redisPeak.get(t) ?? 0).join('/')}, killed runtime held ${heldAtKill} lease(s), gone after ${leasesGoneAfterMs} ms\n`,
    );
  });

  it('refuses to start, naming the variable, when the Redis URL is not set', async () => {
    const ws = makeWorkspace(
      { 'agents/fleet.ts': RECORDING_AGENT },
      { fleet: { redis_url_env: 'FLEET_REDIS_MISSING' } },
    );
    spaces.push(ws);
    const r = await cli.run(['run', ws.dir, '--socket', join(ws.dir, 'rt.sock')], { FLEET_REDIS_MISSING: '' });
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /refusing to start: .*openrtc\.json: fleet\.redis_url_env: environment variable FLEET_REDIS_MISSING is not set/,
    );
  });
});
