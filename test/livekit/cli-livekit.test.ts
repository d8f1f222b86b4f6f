// `openrtc run DIR --livekit` end to end (issue 17): the built CLI as a child process against the
// stand-in server. Settings errors name the variable; a job runs; SIGTERM reports FULL, lets the
// job finish and exits 0; and neither the API secret nor any room token appears in any stream or
// file the run produced.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { JobStatus, WorkerStatus } from '@livekit/protocol';
import { BUSY_AGENT, makeWorkspace, type Workspace } from '../runtime/engine-workspace';
import { BuiltCli, exitOf } from '../runtime/cli-helpers';
import { StandInLiveKit } from './stand-in-server';
import { waitFor } from './wait';

const KEY = 'APIclitest';
const SECRET = 'cli-secret-do-not-print-8d1f0c2b7a9e4d3c';
const cli = new BuiltCli('livekit');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('openrtc run --livekit', () => {
  let server: StandInLiveKit;
  let ws: Workspace;
  const outputs: string[] = [];
  const env = (): NodeJS.ProcessEnv => ({ LK_URL: server.url, LK_KEY: KEY, LK_SECRET: SECRET });

  before(async () => {
    cli.build();
    server = await StandInLiveKit.start({ apiKey: KEY, apiSecret: SECRET });
    ws = makeWorkspace(
      { 'agents/slow.ts': BUSY_AGENT('slow', 8_000) },
      {
        livekit: {
          url_env: 'LK_URL',
          api_key_env: 'LK_KEY',
          api_secret_env: 'LK_SECRET',
          agent_name: ['voice', 'chat'],
          status_interval_ms: 200,
        },
      },
    );
  });

  after(async () => {
    await server.close();
    ws.cleanup();
    cli.remove();
  });

  it('refuses to start when a credential variable is missing, naming the variable only', async () => {
    const r = await cli.run(['run', ws.dir, '--livekit', '--socket', join(ws.dir, 'a.sock')], {
      LK_URL: server.url,
      LK_KEY: KEY,
    });
    outputs.push(r.stdout, r.stderr);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /environment variable LK_SECRET is not set \(livekit.api_secret_env in openrtc.json\)/);
  });

  it('registers once per agent name, runs a job, and on SIGTERM goes FULL, finishes the job and exits 0', async () => {
    const sock = join(ws.dir, 'rt.sock');
    const { child, output } = await cli.start(
      ['run', ws.dir, '--livekit', '--socket', sock],
      /LiveKit worker mode/,
      env(),
    );
    await waitFor('two registrations', () => server.connectedWorkers().length === 2);
    assert.deepEqual(
      server
        .connectedWorkers()
        .map((w) => w.agentName)
        .sort(),
      ['chat', 'voice'],
    );
    const job = await server.dispatch({ agentName: 'voice', room: 'slow-1', metadata: '{"tenant":"acme"}' });
    await waitFor('RUNNING', () => job.status === JobStatus.JS_RUNNING);
    const snap = await cli.run(['snapshot', '--json', '--socket', sock]);
    const top = await cli.run(['top', '--once', '--socket', sock]);
    const human = await cli.run(['snapshot', '--socket', sock]);
    outputs.push(snap.stdout, snap.stderr, top.stdout, top.stderr, human.stdout, human.stderr);
    const livekit = (JSON.parse(snap.stdout) as { livekit: { agent_name: string; state: string }[] }).livekit;
    assert.deepEqual(livekit.map((l) => `${l.agent_name}:${l.state}`).sort(), ['chat:registered', 'voice:registered']);
    for (const text of [human.stdout, top.stdout]) {
      assert.match(
        text,
        /livekit ws:\/\/127\.0\.0\.1:\d+ · agent "voice" · registered as AW_\S+ · load \d\.\d\d · jobs 1 · offered 1 accepted 1/,
      );
    }
    child.kill('SIGTERM');
    const voice = server.connectedWorkers('voice')[0]!;
    await waitFor('FULL reported', () => voice.status === WorkerStatus.WS_FULL, 5_000);
    assert.equal(job.status, JobStatus.JS_RUNNING, 'FULL before the live job ended');
    assert.equal(await exitOf(child), 0);
    assert.equal(job.status, JobStatus.JS_SUCCESS, 'the job finished before exit');
    outputs.push(output());
  });

  it('no secret in any output: streams, the log, the metrics file, the snapshot', () => {
    const tokens = [...server.jobs.values()].length;
    assert.ok(tokens > 0);
    const texts = [...outputs, ...filesUnder(join(ws.dir, '.openrtc')).map((f) => readFileSync(f, 'utf8'))];
    for (const t of texts) {
      assert.ok(!t.includes(SECRET), 'the API secret leaked');
      assert.ok(!/eyJ[A-Za-z0-9_-]{10,}\.eyJ/.test(t), 'a JWT (agent or room token) leaked');
    }
  });
});
