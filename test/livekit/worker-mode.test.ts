// Worker mode against the stand-in LiveKit server (issue 17, Must show): a real Runtime with real
// agent files, our LiveKitWorker over a real WebSocket, the stand-in's records as the server's view.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JobStatus, WorkerStatus } from '@livekit/protocol';
import { Runtime } from '../../runtime/runtime';
import { WorkerMode } from '../../runtime/livekit/worker/worker-mode';
import { resolveLiveKitSettings } from '../../runtime/livekit/worker/settings';
import { HOLD_AGENT, makeWorkspace, type Workspace } from '../runtime/engine-workspace';
import { StandInLiveKit, type JobRecord } from './stand-in-server';
import { waitFor } from './wait';

const KEY = 'APIworkermode';
const SECRET = 'worker-mode-secret-5f2c9a7e31d04b8c9e6a';

const FAIL_AGENT = `
import { defineAgent } from 'openrtc';
export default defineAgent({ name: 'fails', async entry() { throw new Error('backend down'); } });
`;

describe('LiveKit worker mode against the stand-in server', () => {
  let server: StandInLiveKit;
  let ws: Workspace;
  let rt: Runtime;
  let mode: WorkerMode;

  const startMode = (livekit: Record<string, unknown> = {}): WorkerMode =>
    WorkerMode.start(
      rt,
      resolveLiveKitSettings(
        { status_interval_ms: 200, reconnect_initial_ms: 50, reconnect_max_ms: 200, ...livekit },
        { LIVEKIT_URL: server.url, LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET },
      ),
      'test',
    );

  before(async () => {
    server = await StandInLiveKit.start({ apiKey: KEY, apiSecret: SECRET, workerGoneTimeoutMs: 3_000 });
    ws = makeWorkspace(
      { 'agents/hold.ts': HOLD_AGENT('hold', 60_000), 'agents/fails.ts': FAIL_AGENT },
      {
        max_concurrent_sessions: 50,
        max_sessions_per_tenant: { acme: 10 },
        enable_tenant_circuit_breaker: true,
        tenant_circuit_min_samples: 2,
        tenant_circuit_failure_ratio: 0.5,
        tenant_circuit_cooldown_s: 60,
        livekit: { agent_name: 'support' },
      },
    );
    rt = await Runtime.start({ workspaceDir: ws.dir, watch: false });
    mode = startMode({ agent_name: 'support' });
    await waitFor('registration', () => server.connectedWorkers('support').length === 1);
  });

  afterEach(async () => {
    // Each test ends its jobs: nothing leaks into the next one's counts.
    await waitFor('jobs to end', () => {
      const open = [...server.jobs.values()].filter((j) => j.endedAt === null && j.assignedAt !== null);
      for (const j of open) if (server.workers.get(j.workerId ?? '')?.connected) server.terminate(j.job.id);
      return open.length === 0;
    });
    await waitFor('slots to free', () => rt.snapshot().active_sessions === 0);
  });

  after(async () => {
    mode.close();
    await rt.stop();
    await server.close();
    ws.cleanup();
  });

  it('registers under the agent name; status, load and the snapshot block show it', async () => {
    const [w] = server.connectedWorkers('support');
    assert.ok(w);
    await waitFor('a status update', () => w.updates > 0);
    assert.equal(w.status, WorkerStatus.WS_AVAILABLE);
    const [view] = rt.snapshot().livekit ?? [];
    assert.equal(view?.worker_id, w.id);
    assert.equal(view?.state, 'registered');
    assert.equal(view?.agent_name, 'support');
    assert.equal(view?.url, server.url);
  });

  it('an assignment runs the routed agent as a session; termination ends it and reports SUCCESS', async () => {
    const job = await server.dispatch({
      agentName: 'support',
      room: 'hold-room',
      metadata: '{"tenant":"globex","agent":"hold"}',
    });
    await waitFor('RUNNING', () => job.status === JobStatus.JS_RUNNING);
    const session = rt.snapshot().sessions.find((s) => s.tenant === 'globex');
    assert.equal(session?.agent_name, 'hold');
    server.terminate(job.job.id);
    await waitFor('SUCCESS', () => job.status === JobStatus.JS_SUCCESS);
    assert.equal(rt.snapshot().tenants['globex']?.active, 0);
  });

  it('500 offers for one tenant in one burst against a cap of 10: exactly 10 accepted, the rest refused and logged', async () => {
    let peak = 0;
    const sample = setInterval(() => (peak = Math.max(peak, rt.snapshot().tenants['acme']?.active ?? 0)), 5);
    const jobs = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        server.dispatch({ agentName: 'support', room: `r${i}`, metadata: '{"tenant":"acme","agent":"hold"}' }),
      ),
    );
    await waitFor('10 running', () => server.jobsWith(JobStatus.JS_RUNNING).length === 10);
    clearInterval(sample);
    assert.equal(jobs.filter((j) => j.workerId !== null).length, 10);
    assert.equal(jobs.filter((j) => j.error === 'no workers available').length, 490);
    assert.equal(rt.snapshot().tenants['acme']?.active, 10);
    assert.ok(peak <= 10, `peak ${peak}`);
    const [view] = rt.snapshot().livekit ?? [];
    assert.equal(view?.refused['tenant_cap'], 490);
    const logged = (await rt.logs({ tenant: 'acme' })).records.filter((r) =>
      String(r['message']).includes('at per-tenant cap (10)'),
    );
    assert.equal(logged.length, 490);
  });

  it('a breaker opened by failing jobs refuses that tenant and no other', async () => {
    const failing: JobRecord[] = [];
    for (let i = 0; i < 2; i++) {
      failing.push(
        await server.dispatch({ agentName: 'support', room: `f${i}`, metadata: '{"tenant":"flaky","agent":"fails"}' }),
      );
    }
    await waitFor('two FAILED', () => failing.every((j) => j.status === JobStatus.JS_FAILED));
    assert.match(failing[0]!.error, /backend down/);
    const refused = await server.dispatch({
      agentName: 'support',
      room: 'f3',
      metadata: '{"tenant":"flaky","agent":"hold"}',
    });
    assert.equal(refused.workerId, null);
    const other = await server.dispatch({
      agentName: 'support',
      room: 'ok1',
      metadata: '{"tenant":"steady","agent":"hold"}',
    });
    assert.notEqual(other.workerId, null);
    assert.equal(rt.snapshot().livekit?.[0]?.refused['circuit_open'], 1);
  });

  it('an assignment that never arrives releases its reserved slot', async () => {
    const local = startMode({ agent_name: 'lonely', assignment_timeout_ms: 300 });
    try {
      await waitFor('second registration', () => server.connectedWorkers('lonely').length === 1);
      const job = await server.dispatch({
        agentName: 'lonely',
        room: 'x',
        metadata: '{"tenant":"acme","agent":"hold"}',
        withholdAssignment: true,
      });
      assert.notEqual(job.workerId, null);
      assert.equal(rt.snapshot().tenants['acme']?.active, 1, 'held while the assignment is due');
      await waitFor('release', () => rt.snapshot().tenants['acme']?.active === 0);
      assert.equal(local.views()[0]?.assignment_timeouts, 1);
    } finally {
      local.close();
      rt.setLiveKitView(() => mode.views());
    }
  });

  it('the unknown agent a job names is refused at availability, with the reason logged', async () => {
    const job = await server.dispatch({
      agentName: 'support',
      room: 'u',
      metadata: '{"tenant":"acme","agent":"nope"}',
    });
    assert.equal(job.workerId, null);
    assert.equal(rt.snapshot().livekit?.[0]?.refused['unknown_agent'], 1);
    const lines = (await rt.logs({})).records.map((r) => String(r['message']));
    assert.ok(lines.some((l) => l.includes('names agent "nope", which this runtime does not have')));
  });

  it('a server restart mid-job: the job keeps running, is reported on re-register, then ends SUCCESS', async () => {
    const job = await server.dispatch({
      agentName: 'support',
      room: 'hold-2',
      metadata: '{"tenant":"globex","agent":"hold"}',
    });
    await waitFor('RUNNING', () => job.status === JobStatus.JS_RUNNING);
    const before = job.workerId;
    server.dropAllConnections();
    await waitFor('re-registration', () => server.connectedWorkers('support').some((w) => w.id !== before));
    const fresh = server.connectedWorkers('support').find((w) => w.id !== before)!;
    await waitFor('the job reported by the new registration', () => fresh.reported.has(job.job.id));
    assert.equal(job.workerId, fresh.id);
    assert.equal(job.status, JobStatus.JS_RUNNING);
    assert.equal(rt.snapshot().tenants['globex']?.active, 1, 'the session never stopped');
    assert.ok((rt.snapshot().livekit?.[0]?.reconnects ?? 0) >= 1);
    server.terminate(job.job.id);
    await waitFor('SUCCESS', () => job.status === JobStatus.JS_SUCCESS);
  });

  it('garbled, truncated and oversized frames are refused without a crash', async () => {
    const w = server.connectedWorkers('support')[0]!;
    server.sendRaw(w.id, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]));
    server.sendRaw(w.id, Buffer.from([0x12, 0x40, 0x0a]));
    server.sendRaw(w.id, 'not protobuf');
    const job = await server.dispatch({
      agentName: 'support',
      room: 'g',
      metadata: '{"tenant":"globex","agent":"hold"}',
    });
    assert.notEqual(job.workerId, null, 'still answering after bad frames');
    server.sendRaw(w.id, Buffer.alloc(2 << 20));
    await waitFor('reconnect after the oversized frame', () =>
      server.connectedWorkers('support').some((x) => x.id !== w.id),
    );
    await waitFor('the job re-reported', () => job.workerId !== w.id);
    const lines = (await rt.logs({})).records.map((r) => String(r['message']));
    assert.ok(lines.filter((l) => l.includes('undecodable server frame')).length >= 3);
  });
});
