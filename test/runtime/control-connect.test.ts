import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectError, ConnectionClosedError, connectControl } from '../../protocol/connect';
import { encodeFrame, FrameDecoder } from '../../protocol/framing';
import { startControlServer } from '../../runtime/control/server';
import { leaveStaleSocket } from '../helpers/stale-socket';
import { RecordingApi } from './control-fake-api';

/** What a Python OpenRTC 0.19 worker's top.sock writes: one line, then close, never reading. */
const pythonPayload = {
  worker: {
    name: 'worker-1',
    uptime_s: 125.5,
    active_sessions: 2,
    max_sessions: 50,
    started: 9,
    failed: 1,
    saved_bytes: 0,
    draining: false,
    system: { available: true, cpu_pct: 12.5, vcpus: 2 },
    cpu_history: [1, 2],
  },
  sessions: [
    {
      session_id: 'AJ_abc',
      agent_name: 'dental',
      tenant: 'acme',
      duration_s: 12.25,
      mem_mb: 40.1,
      peak_mb: 41,
      cpu_pct: 3.5,
      status: 'active',
      pinned: false,
    },
    {
      session_id: 'AJ_def',
      agent_name: 'dental',
      tenant: null,
      duration_s: 2,
      mem_mb: 40.1,
      peak_mb: 40.1,
      cpu_pct: 80,
      status: 'slow',
      pinned: false,
    },
  ],
};

function listen(server: Server, path: string): Promise<void> {
  return new Promise((r) => server.listen(path, () => r()));
}

/** A server that writes `line` on every accepted connection and closes without reading (like Python's). */
function pythonStyleServer(line: string, delayMs = 0): Server {
  return createServer((socket) => {
    socket.on('error', () => {});
    setTimeout(() => socket.end(line), delayMs);
  });
}

describe('connectControl', () => {
  let dir: string;
  const servers: Server[] = [];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'orc-cc-'));
  });
  after(async () => {
    for (const s of servers) s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const serve = async (name: string, server: Server): Promise<string> => {
    const path = join(dir, name);
    servers.push(server);
    await listen(server, path);
    return path;
  };

  it('talks JSON-RPC to our runtime', async () => {
    const path = join(dir, 'ours.sock');
    const server = await startControlServer({ api: new RecordingApi(), socketPath: path, privateDir: false });
    const c = await connectControl(path);
    assert.equal(c.kind, 'openrtc');
    if (c.kind === 'openrtc') {
      assert.equal((await c.client.request('snapshot')).max_concurrent_sessions, 50);
      c.client.close();
    }
    await server.close();
  });

  it('a request pending when the runtime goes away rejects instead of hanging', async () => {
    const path = join(dir, 'dies.sock');
    const api = new RecordingApi();
    api.startCalls = () => new Promise(() => {}); // a call that never ends
    const server = await startControlServer({ api, socketPath: path, privateDir: false });
    const c = await connectControl(path);
    assert.equal(c.kind, 'openrtc');
    if (c.kind !== 'openrtc') return;
    const pending = c.client.request('startCalls', { agent: 'a', wait: true });
    await new Promise((r) => setTimeout(r, 100));
    await server.close();
    await assert.rejects(
      pending,
      (e: unknown) => e instanceof ConnectionClosedError && /closed the connection before answering/.test(e.message),
    );
    await assert.rejects(c.client.request('snapshot'), ConnectionClosedError);
  });

  for (const delayMs of [0, 150]) {
    it(`detects a Python OpenRTC top.sock and maps its payload (reply after ${delayMs} ms)`, async () => {
      const path = await serve(`py${delayMs}.sock`, pythonStyleServer(`${JSON.stringify(pythonPayload)}\n`, delayMs));
      const c = await connectControl(path);
      assert.equal(c.kind, 'python-top');
      if (c.kind !== 'python-top') return;
      const s = c.top.snapshot;
      assert.equal(s.uptime_seconds, 125.5);
      assert.equal(s.active_sessions, 2);
      assert.equal(s.max_concurrent_sessions, 50);
      assert.equal(s.total_sessions_started, 9);
      assert.equal(s.total_session_failures, 1);
      assert.deepEqual(s.sessions_by_tenant, { acme: 1, default: 1 });
      assert.deepEqual(
        s.sessions.map((r) => [r.session_id, r.status, r.tenant]),
        [
          ['AJ_abc', 'active', 'acme'],
          ['AJ_def', 'slow', 'default'],
        ],
      );
      assert.equal(s.tenants.default?.slow_sessions, 1);
      assert.ok(c.top.unknown.includes('loop_lag'), 'fields Python does not report are named, not faked');
    });
  }

  it(
    'reads a real Python process writing one line and closing',
    { skip: !hasPython() && 'python3 not installed' },
    async () => {
      const path = join(dir, 'realpy.sock');
      const script = `
import json, os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o600); s.listen(4)
print('up', flush=True)
while True:
    c, _ = s.accept(); c.sendall((json.dumps(json.loads(sys.argv[2])) + "\\n").encode()); c.close()
`;
      const child = spawn('python3', ['-c', script, path, JSON.stringify(pythonPayload)]);
      try {
        await new Promise<void>((r) => child.stdout.once('data', () => r()));
        const c = await connectControl(path);
        assert.equal(c.kind, 'python-top');
        if (c.kind === 'python-top') assert.equal(c.top.worker.name, 'worker-1');
      } finally {
        child.kill();
      }
    },
  );

  const expectKind = async (path: string, kind: string, message: RegExp, timeoutMs = 2000): Promise<void> => {
    await assert.rejects(
      connectControl(path, { timeoutMs }),
      (e: unknown) => e instanceof ConnectError && e.kind === kind && message.test(e.message),
    );
  };

  it('says clearly when there is no socket file', () =>
    expectKind(join(dir, 'missing.sock'), 'no_socket', /no runtime at .*missing\.sock: the socket does not exist/));

  it('says clearly when the path is not a socket', async () => {
    writeFileSync(join(dir, 'file.sock'), '');
    await expectKind(join(dir, 'file.sock'), 'not_socket', /exists but is not a socket/);
  });

  it('says clearly when nobody listens (stale socket)', async () => {
    const path = join(dir, 'stale.sock');
    await leaveStaleSocket(path);
    await expectKind(path, 'refused', /connection refused/);
  });

  it('times out on a server that never answers', async () => {
    const path = await serve(
      'mute.sock',
      createServer(() => {}),
    );
    const started = Date.now();
    await expectKind(path, 'timeout', /did not answer/, 300);
    assert.ok(Date.now() - started < 2000);
  });

  it('refuses a garbled Python-style payload, naming the bad field', async () => {
    const bad = { ...pythonPayload, sessions: [{ ...pythonPayload.sessions[0], duration_s: 'long' }] };
    const path = await serve('badpy.sock', pythonStyleServer(`${JSON.stringify(bad)}\n`));
    await expectKind(path, 'garbled', /sessions\[0\]\.duration_s is not a number/);
    const path2 = await serve('notjson.sock', pythonStyleServer('{not json\n'));
    await expectKind(path2, 'garbled', /not JSON/);
  });

  it('refuses a runtime that speaks another protocol version', async () => {
    const server = createServer((socket) => {
      const decoder = new FrameDecoder();
      socket.on('data', (chunk) => {
        for (const body of decoder.push(chunk)) {
          const req = JSON.parse(body.toString()) as { id: unknown };
          socket.write(encodeFrame({ jsonrpc: '2.0', id: req.id, result: { protocol_version: 99 } }));
        }
      });
    });
    const path = await serve('v99.sock', server);
    await expectKind(path, 'protocol_version', /speaks control protocol v99; this client speaks v1/);
  });
});

function hasPython(): boolean {
  return spawnSync('python3', ['--version']).status === 0;
}
