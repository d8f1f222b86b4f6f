// Worker mode with a real agents-js 1.9.0 agent (issue 17, Deliver 2-4): the job LiveKit assigns
// runs through our agents-js job runner (its JobContext is the assigned job, a real rtc-node
// Room, ctx.connect() with the assigned url and token), the registration takes the agent name
// the file's ServerOptions gave, and the file's own requestFunc is asked after our admission.
// The stand-in has no media server: ctx.connect() reaches its /rtc endpoint with the job's token
// (recorded there) and is refused, which fails that job and reports it failed.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { JobStatus } from '@livekit/protocol';
import { disposeAgentsNative } from '../../runtime/agents/livekit/agents-module';
import { Runtime } from '../../runtime/runtime';
import { capturedAgentNames } from '../../runtime/livekit/worker/request-func';
import { resolveLiveKitSettings } from '../../runtime/livekit/worker/settings';
import { WorkerMode } from '../../runtime/livekit/worker/worker-mode';
import { makeAgentsJsWorkspace } from '../runtime/agents-js-workspace';
import type { Workspace } from '../runtime/engine-workspace';
import { CONCIERGE } from './concierge-agent';
import { StandInLiveKit, type JobRecord } from './stand-in-server';
import { waitFor } from './wait';

const KEY = 'APIworkeragentsjs';
const SECRET = 'worker-agents-js-secret-8e1d5c0b7a9f42d6b3c1';

describe('worker mode runs agents-js jobs through the job runner', () => {
  let server: StandInLiveKit;
  let ws: Workspace;
  let rt: Runtime;
  let mode: WorkerMode;

  before(async () => {
    server = await StandInLiveKit.start({ apiKey: KEY, apiSecret: SECRET });
    ws = makeAgentsJsWorkspace({ 'agents/concierge.ts': CONCIERGE }, { max_concurrent_sessions: 20 });
    rt = await Runtime.start({ workspaceDir: ws.dir, watch: false });
    const host = rt.jobHost();
    const captured = capturedAgentNames(host.agentNames().map((n) => host.agent(n)));
    mode = WorkerMode.start(
      rt,
      resolveLiveKitSettings(
        { status_interval_ms: 200 },
        { LIVEKIT_URL: server.url, LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET },
        captured,
      ),
      'test',
    );
  });

  afterEach(async () => {
    const open = [...server.jobs.values()].filter((j) => j.endedAt === null && j.assignedAt !== null);
    for (const j of open) server.terminate(j.job.id);
    await waitFor('jobs to end', () => [...server.jobs.values()].every((j) => j.endedAt !== null || !j.assignedAt));
    await waitFor('slots to free', () => rt.snapshot().active_sessions === 0);
  });

  after(async () => {
    mode.close();
    await rt.stop();
    // rtc-node's native runtime (started by the Room joins) is released once, as the process would.
    await disposeAgentsNative();
    await server.close();
    ws.cleanup();
  });

  const records = async (job: JobRecord): Promise<{ message: string; logger: string; session_id: unknown }[]> => {
    const { tenant } = JSON.parse(job.job.metadata) as { tenant: string };
    const all = (await rt.logs({ tenant })).records;
    return all.map((r) => ({ message: String(r.message), logger: String(r.logger), session_id: r.session_id }));
  };

  it("registers under the agent name captured from the file's ServerOptions (no agent_name configured)", async () => {
    assert.deepEqual(
      mode.views().map((v) => v.agent_name),
      ['concierge'],
    );
    await waitFor('registration', () => server.connectedWorkers('concierge').length === 1);
  });

  it('an assigned job is the JobContext of the agent: its job, a real rtc Room, the assigned url', async () => {
    const job = await server.dispatch({ agentName: 'concierge', room: 'lobby-1', metadata: '{"tenant":"acme"}' });
    await waitFor('running reported', () => job.status === JobStatus.JS_RUNNING);
    const worker = server.connectedWorkers('concierge')[0]!;
    let line: string | undefined;
    await waitFor('the job line', () => {
      void records(job).then((rs) => (line = rs.find((r) => r.message.startsWith('job '))?.message));
      return line !== undefined;
    });
    assert.equal(
      line,
      `job ${job.job.id} room lobby-1 rtc true url ${server.url} worker ${worker.id} as Concierge for acme pid ${process.pid}`,
    );
    server.terminate(job.job.id);
    await waitFor('success reported', () => job.status === JobStatus.JS_SUCCESS);
  });

  it("the file's requestFunc is asked after our admission: its reject refuses the offer, with the reason", async () => {
    const job = await server.dispatch({ agentName: 'concierge', room: 'lobby-2', metadata: '{"tenant":"blocked"}' });
    assert.deepEqual([job.status, job.error], [JobStatus.JS_FAILED, 'no workers available']);
    const [view] = mode.views();
    assert.equal(view?.refused['request_func'], 1);
    const rs = await records(job);
    assert.ok(
      rs.some((r) => r.message === `refusing LiveKit job ${job.job.id}: requestFunc rejected the job`),
      rs.map((r) => r.message).join('\n'),
    );
    assert.equal(rt.snapshot().active_sessions, 0, 'the reserved slot went back');
  });

  it('ctx.connect() joins with the assigned url and token; with no media server it fails the job, reported', async () => {
    const job = await server.dispatch({
      agentName: 'concierge',
      room: 'lobby-3',
      metadata: '{"tenant":"globex","connect":true}',
    });
    await waitFor('failure reported', () => job.status === JobStatus.JS_FAILED, 60_000);
    assert.match(job.error, /503 Service Unavailable/);
    const join = server.roomJoins.find((j) => j.room === 'lobby-3');
    assert.deepEqual(
      { identity: join?.identity, name: join?.name },
      { identity: `agent-${job.job.id}`, name: 'Concierge for globex' },
    );
    const rs = await records(job);
    assert.ok(
      rs.some((r) => r.message.startsWith('session failed')),
      rs.map((r) => r.message).join('\n'),
    );
  });
});
