// Isolation in worker mode (issue 17, Deliver 4): for a tenant in process isolation the parent
// keeps the LiveKit connection and admission, and the job runs in the tenant's child: the job
// crosses as its protobuf bytes with its url and token, and the child hosts its JobContext and
// Room. A child crash fails its jobs (reported failed to the server) and counts for the breaker.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JobStatus } from '@livekit/protocol';
import { disposeAgentsNative } from '../../runtime/agents/livekit/agents-module';
import { Runtime } from '../../runtime/runtime';
import { resolveLiveKitSettings } from '../../runtime/livekit/worker/settings';
import { WorkerMode } from '../../runtime/livekit/worker/worker-mode';
import { makeAgentsJsWorkspace } from '../runtime/agents-js-workspace';
import { buildTenantChild, isolationOptions } from '../runtime/isolation-harness';
import { StandInLiveKit } from './stand-in-server';
import { waitFor } from './wait';
import { CONCIERGE } from './concierge-agent';

const KEY = 'APIworkeriso';
const SECRET = 'worker-isolation-secret-1c7e9a3f5b2d48e0a6c4';

test(
  "an isolated tenant's LiveKit job runs in its child; a child crash fails the job",
  { timeout: 240_000 },
  async (t) => {
    const build = buildTenantChild('livekit-worker');
    const server = await StandInLiveKit.start({ apiKey: KEY, apiSecret: SECRET });
    const ws = makeAgentsJsWorkspace({ 'agents/concierge.ts': CONCIERGE }, { tenant_isolation: { iso: 'process' } });
    const rt = await Runtime.start({
      workspaceDir: ws.dir,
      watch: false,
      isolation: isolationOptions(build, { startTimeoutMs: 90_000 }),
    });
    const mode = WorkerMode.start(
      rt,
      resolveLiveKitSettings(
        { agent_name: 'concierge', status_interval_ms: 200 },
        { LIVEKIT_URL: server.url, LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET },
      ),
      'test',
    );
    t.after(async () => {
      mode.close();
      await rt.stop();
      await server.close();
      await disposeAgentsNative();
      ws.cleanup();
      build.remove();
    });
    await waitFor('the child ready', () => rt.snapshot().tenants['iso']?.process?.state === 'ready', 100_000);
    await waitFor('registration', () => server.connectedWorkers('concierge').length === 1);
    const pid = rt.snapshot().tenants['iso']!.process!.pid!;
    assert.notEqual(pid, process.pid);

    const job = await server.dispatch({ agentName: 'concierge', room: 'iso-room', metadata: '{"tenant":"iso"}' });
    await waitFor('running reported', () => job.status === JobStatus.JS_RUNNING);
    const worker = server.connectedWorkers('concierge')[0]!;
    const expected = `job ${job.job.id} room iso-room rtc true url ${server.url} worker ${worker.id} as Concierge for iso pid ${pid}`;
    await waitFor('the job line from the child', () =>
      ws.readLog().some((r) => r['message'] === expected && r['tenant'] === 'iso'),
    );

    process.kill(pid, 'SIGKILL');
    await waitFor('failure reported', () => job.status === JobStatus.JS_FAILED, 30_000);
    assert.ok(job.error.length > 0);
    await waitFor('the failure counted', () => (rt.snapshot().tenants['iso']?.failures ?? 0) === 1);
  },
);
