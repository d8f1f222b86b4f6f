// Scale-out (issue 17, Must show): three `openrtc run --livekit` processes registered with one
// stand-in server under one agent name; 600 dispatches over 6 tenants. Every job runs exactly
// once, the load-weighted spread keeps each runtime at or under half the jobs, and the per-runtime
// caps hold exactly (checked from each runtime's own record of session starts and ends). One
// runtime is SIGKILLed mid-run: the stand-in fails its running jobs by timeout and the other two
// take the remaining dispatches.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JobStatus } from '@livekit/protocol';
import { BuiltCli, exitOf } from '../runtime/cli-helpers';
import { StandInLiveKit, type JobRecord } from './stand-in-server';
import { waitFor } from './wait';
import { WorkerRuntimes } from './worker-runtimes';

const KEY = 'APIscaleout';
const SECRET = 'scale-out-secret-0c1d2e3f4a5b6c7d8e9f';
const cli = new BuiltCli('livekit-scale');
const WORKER_CAP = 12;
const TENANT_CAP = 4;
const JOBS = 600;
// Below what two runtimes hold (2 × WORKER_CAP), so after the kill every job still finds room.
const IN_FLIGHT = 16;
const KILL_AT = 300;

describe('three runtimes under one agent name behind one LiveKit server', () => {
  let server: StandInLiveKit;
  const fleet = new WorkerRuntimes(cli);
  const { spaces, children: runtimes } = fleet;
  const jobs: JobRecord[] = [];
  let killedWorker = '';

  before(async () => {
    cli.build();
    server = await StandInLiveKit.start({ apiKey: KEY, apiSecret: SECRET, workerGoneTimeoutMs: 1_500 });
    await fleet.start(
      3,
      {
        max_concurrent_sessions: WORKER_CAP,
        max_sessions_per_tenant: { '*': TENANT_CAP },
        livekit: { agent_name: 'fleet', status_interval_ms: 100 },
      },
      { LIVEKIT_URL: server.url, LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET },
    );
    await waitFor('three registrations', () => server.connectedWorkers('fleet').length === 3, 30_000);
  });

  after(async () => {
    fleet.dispose();
    await server.close();
    cli.remove();
  });

  it('600 dispatches over 6 tenants, one runtime SIGKILLed half-way', { timeout: 240_000 }, async () => {
    const workerOf = new Map(server.connectedWorkers('fleet').map((w, i) => [w.id, i]));
    let next = 0;
    let retried = 0;
    // Two calls in three are t0's, so t0 always wants more slots than its per-runtime caps give it
    // (after the kill: about 10 of the 16 in flight against 2 × TENANT_CAP): offers are refused at
    // the cap by construction, not by luck of timing.
    const tenantOf = (i: number): string => (i % 3 < 2 ? 't0' : `t${1 + (Math.floor(i / 3) % 5)}`);
    const call = (i: number) => ({
      agentName: 'fleet',
      room: `room-${i}`,
      metadata: JSON.stringify({ tenant: tenantOf(i), n: i }),
    });
    const lane = async (): Promise<void> => {
      while (next < JOBS) {
        const i = next++;
        if (i === KILL_AT) {
          // The third runtime's registration: its id is known from the stand-in.
          killedWorker = [...workerOf.entries()].find(([, n]) => n === 2)![0];
          runtimes[2]!.kill('SIGKILL');
          await exitOf(runtimes[2]!);
        }
        // Like a dispatching application, a call no runtime had room for is dispatched again
        // (LiveKit fails a job nobody accepts); each call still runs exactly once.
        let job = await server.dispatch(call(i));
        while (job.error === 'no workers available') {
          retried++;
          await new Promise((r) => setTimeout(r, 20));
          job = await server.dispatch(call(i));
        }
        jobs[i] = job;
        await waitFor(`job ${i} to end`, () => job.endedAt !== null, 30_000);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, lane));

    const before = jobs.slice(0, KILL_AT);
    const afterKill = jobs.slice(KILL_AT + IN_FLIGHT);
    // Jobs that ran on the killed runtime at the moment of the kill fail by the server's timeout; the rest succeed.
    for (const j of jobs) {
      if (j.status === JobStatus.JS_FAILED) {
        assert.equal(
          j.error,
          'worker gone',
          `job ${j.job.id} (${j.job.metadata}): ${j.error}, refused by ${j.refusedBy.length}`,
        );
        assert.equal(j.workerId, killedWorker);
      } else assert.equal(j.status, JobStatus.JS_SUCCESS);
    }
    assert.ok(
      afterKill.every((j) => j.workerId !== killedWorker),
      'new dispatches go to the two left',
    );
    assert.ok(afterKill.every((j) => j.status === JobStatus.JS_SUCCESS));

    // Load-weighted spread while all three ran: none took more than half.
    const share = [0, 0, 0];
    for (const j of before) share[workerOf.get(j.workerId ?? '') ?? 0]!++;
    for (const n of share) assert.ok(n <= KILL_AT / 2, `spread ${share.join('/')}`);

    // Exactly once, and per-runtime caps exact, from each runtime's own notes.
    const started = new Map<string, number>();
    for (const ws of spaces) {
      let active = 0;
      let peak = 0;
      const byTenant = new Map<string, number>();
      let tenantPeak = 0;
      for (const n of fleet.notesOf(ws)) {
        const d = n.t === 'start' ? 1 : -1;
        if (n.t === 'start') started.set(n.job, (started.get(n.job) ?? 0) + 1);
        active += d;
        byTenant.set(n.tenant, (byTenant.get(n.tenant) ?? 0) + d);
        peak = Math.max(peak, active);
        tenantPeak = Math.max(tenantPeak, byTenant.get(n.tenant) ?? 0);
      }
      assert.ok(peak <= WORKER_CAP, `worker peak ${peak}`);
      assert.ok(tenantPeak <= TENANT_CAP, `tenant peak ${tenantPeak}`);
    }
    for (const j of jobs)
      if (j.status === JobStatus.JS_SUCCESS)
        assert.equal(started.get(j.job.id), 1, `job ${j.job.id} ran ${started.get(j.job.id) ?? 0}×`);
    assert.ok(
      [...started.values()].every((n) => n === 1),
      'no job ran twice',
    );
    // The caps were really in play: offers were refused at them (and refused calls dispatched again).
    const refusals = [...server.jobs.values()].reduce((n, j) => n + j.refusedBy.length, 0);
    assert.ok(refusals > 0, 'no offer was ever refused: the caps were not exercised');
    process.stderr.write(
      `scale-out: spread ${share.join('/')} before the kill; ${refusals} refused offers; ${retried} re-dispatches\n`,
    );
  });
});
