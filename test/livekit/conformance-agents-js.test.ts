// Conformance (issue 17, Deliver 6): the stand-in LiveKit server drives the real agents-js 1.9.0
// AgentServer in a child process, which shows the stand-in speaks the protocol the real worker
// speaks: register, an accept and a reject through requestFunc, the assignment running `entry`
// in the AgentServer's forked job child, termination running the job's shutdown callback, and
// CreateDispatch through the real AgentDispatchClient.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobStatus, WorkerStatus } from '@livekit/protocol';
import { AgentDispatchClient } from 'livekit-server-sdk';
import { StandInLiveKit } from './stand-in-server';
import { waitFor } from './wait';

const KEY = 'APIconformance';
const SECRET = 'conformance-secret-0123456789abcdef0123456789';

interface EntryRecord {
  event: 'entry' | 'shutdown';
  job: string;
  metadata?: string;
  url?: string;
  token?: boolean;
  pid: number;
}

describe('stand-in LiveKit server against the real agents-js AgentServer', () => {
  let server: StandInLiveKit;
  let child: ChildProcess;
  let dir: string;
  let entryLog: string;
  let output = '';
  const records = (): EntryRecord[] =>
    existsSync(entryLog)
      ? readFileSync(entryLog, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as EntryRecord)
      : [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orc-lk-conf-'));
    entryLog = join(dir, 'entry.jsonl');
    server = await StandInLiveKit.start({ apiKey: KEY, apiSecret: SECRET });
    child = spawn(process.execPath, [join(__dirname, '..', 'fixtures', 'livekit', 'agents-js-server.mjs')], {
      env: {
        ...process.env,
        LIVEKIT_URL: server.url,
        LIVEKIT_API_KEY: KEY,
        LIVEKIT_API_SECRET: SECRET,
        AGENT_NAME: 'conformance',
        ENTRY_LOG: entryLog,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    await waitFor('the AgentServer to register', () => server.connectedWorkers('conformance').length === 1, 30_000);
  });

  after(async () => {
    child.kill('SIGKILL');
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers under its agent name and reports load', async () => {
    const [worker] = server.connectedWorkers('conformance');
    assert.ok(worker);
    assert.match(worker.id, /^AW_/);
    await waitFor('an updateWorker', () => worker.updates > 0, 10_000);
    assert.equal(worker.status, WorkerStatus.WS_AVAILABLE);
  });

  it('a job accepted by requestFunc runs entry in a forked child with the assigned url and token', async () => {
    const job = await server.dispatch({ agentName: 'conformance', room: 'room-a', metadata: '{"tenant":"acme"}' });
    assert.ok(job.workerId, `job not assigned: ${job.error}\n${output}`);
    await waitFor('entry to run', () => records().some((r) => r.event === 'entry' && r.job === job.job.id), 30_000);
    const entry = records().find((r) => r.event === 'entry' && r.job === job.job.id);
    assert.equal(entry?.metadata, '{"tenant":"acme"}');
    assert.equal(entry?.url, server.url);
    assert.equal(entry?.token, true);
    assert.notEqual(entry?.pid, child.pid, 'entry runs in the forked job child, not the AgentServer');
  });

  it('a job rejected by requestFunc is refused and, with no other worker, fails as LiveKit does', async () => {
    const job = await server.dispatch({ agentName: 'conformance', room: 'room-b', metadata: '{"tenant":"blocked"}' });
    assert.equal(job.workerId, null);
    assert.equal(job.refusedBy.length, 1);
    assert.equal(job.status, JobStatus.JS_FAILED);
    assert.equal(job.error, 'no workers available');
  });

  it('termination ends the job: its shutdown callback runs', async () => {
    const running = records().find((r) => r.event === 'entry');
    assert.ok(running);
    server.terminate(running.job);
    await waitFor(
      'the shutdown callback',
      () => records().some((r) => r.event === 'shutdown' && r.job === running.job),
      30_000,
    );
  });

  it('CreateDispatch through the real AgentDispatchClient leads to entry running', async () => {
    const client = new AgentDispatchClient(server.httpUrl, KEY, SECRET);
    const dispatch = await client.createDispatch('room-c', 'conformance', { metadata: '{"tenant":"globex"}' });
    assert.equal(dispatch.agentName, 'conformance');
    assert.equal(dispatch.room, 'room-c');
    await waitFor(
      'entry for the dispatch',
      () => records().some((r) => r.event === 'entry' && r.metadata === '{"tenant":"globex"}'),
      30_000,
    );
  });

  it('a token without the agent grant is refused at the upgrade', async () => {
    const { AccessToken } = await import('livekit-server-sdk');
    const { WebSocket } = await import('ws');
    const t = new AccessToken(KEY, SECRET, { identity: 'not-an-agent' });
    t.addGrant({ roomJoin: true, room: 'x' });
    const ws = new WebSocket(`${server.url}/agent`, { headers: { authorization: `Bearer ${await t.toJwt()}` } });
    const status = await new Promise<number>((resolve) =>
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    assert.equal(status, 401);
    assert.ok(server.refusedUpgrades.includes('token has no agent grant'));
    assert.equal(server.connectedWorkers('conformance').length, 1, 'the registered worker is untouched');
  });
});
