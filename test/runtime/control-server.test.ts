import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlError, ErrorCodes, type RuntimeEvent } from '../../protocol/control';
import { connectControl, type ControlClient } from '../../protocol/connect';
import { encodeFrame } from '../../protocol/framing';
import { startControlServer, type ControlServer } from '../../runtime/control/server';
import { RecordingApi } from './control-fake-api';

const MAX = 64 * 1024;

async function client(path: string): Promise<ControlClient> {
  const c = await connectControl(path, { timeoutMs: 3000 });
  assert.equal(c.kind, 'openrtc');
  return c.client;
}

/** Sends raw bytes and resolves with what came back once the server closed the socket (or after idleMs). */
function rawExchange(
  path: string,
  bytes: Buffer | string,
  idleMs = 1500,
): Promise<{ closed: boolean; received: string }> {
  return new Promise((resolve) => {
    const socket: Socket = connect(path);
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ closed: false, received });
    }, idleMs);
    socket.on('data', (d) => (received += d.toString()));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ closed: true, received });
    });
    socket.on('connect', () => socket.write(bytes));
  });
}

describe('control server', () => {
  let dir: string;
  let path: string;
  let api: RecordingApi;
  let server: ControlServer;
  const dropped: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orc-ctl-'));
    path = join(dir, 'sock', 'rt.sock');
    api = new RecordingApi();
    server = await startControlServer({
      api,
      socketPath: path,
      maxMessageBytes: MAX,
      maxEventBacklogBytes: 4096,
      partialFrameTimeoutMs: 1000,
      onConnectionDropped: (r) => dropped.push(r),
    });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens with a 0600 socket in a 0700 directory', () => {
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'sock')).mode & 0o777, 0o700);
  });

  it('answers hello and dispatches valid requests', async () => {
    const c = await client(path);
    assert.equal(c.hello.runtime_version, 'test');
    const cap = await c.request('setTenantCap', { tenant: 'acme', cap: 3 });
    assert.equal(cap.cap, 3);
    const calls = await c.request('startCalls', { agent: 'a', tenant: 'acme', say: ['hi'], count: 2, wait: true });
    assert.equal(calls.started, 1);
    assert.deepEqual(api.calls.at(-1), {
      method: 'startCalls',
      params: { agent: 'a', tenant: 'acme', say: ['hi'], count: 2, wait: true },
    });
    c.close();
  });

  const badRequests: [string, Record<string, unknown> | unknown[], number, RegExp][] = [
    ['setTenantCap', { tenant: 'acme', cap: -1 }, ErrorCodes.InvalidParams, /field 'cap' must be between 0 and/],
    [
      'setTenantCap',
      { tenant: 'bad tenant!', cap: 1 },
      ErrorCodes.InvalidTenantId,
      /field 'tenant': tenant "bad tenant!" contains " "; only letters, digits/,
    ],
    [
      'setTenantCap',
      { tenant: 'x'.repeat(129), cap: 1 },
      ErrorCodes.InvalidTenantId,
      /field 'tenant': tenant is 129 characters long; at most 128/,
    ],
    ['setTenantCap', { tenant: 'acme' }, ErrorCodes.InvalidParams, /field 'cap' is required/],
    ['setTenantCap', { tenant: 'acme', cap: 1, extra: true }, ErrorCodes.InvalidParams, /unknown field 'extra'/],
    ['setBreaker', { tenant: 'acme', cooldown_s: 0 }, ErrorCodes.InvalidParams, /cooldown_s' must be greater than 0/],
    ['setBreaker', { tenant: 'acme', failure_ratio: 1.5 }, ErrorCodes.InvalidParams, /failure_ratio/],
    ['setBreaker', { tenant: 'acme', half_open_probes: 0 }, ErrorCodes.InvalidParams, /half_open_probes/],
    ['setBreaker', { tenant: 'acme', max_cooldown_s: -1 }, ErrorCodes.InvalidParams, /max_cooldown_s/],
    ['startCalls', { agent: 'a', count: 2.5 }, ErrorCodes.InvalidParams, /field 'count' must be an integer/],
    ['startCalls', { agent: 'a', say: ['ok', 3] }, ErrorCodes.InvalidParams, /field 'say\[1\]' must be a string/],
    ['startCalls', { agent: '', tenant: 'acme' }, ErrorCodes.InvalidParams, /field 'agent' must be a non-empty string/],
    ['subscribe', { types: ['nope'] }, ErrorCodes.InvalidParams, /types\[0\]' must be one of/],
    ['logs', { level: 'loud' }, ErrorCodes.InvalidParams, /field 'level' must be one of/],
    ['snapshot', { verbose: true }, ErrorCodes.InvalidParams, /takes no params/],
  ];
  for (const [method, params, code, message] of badRequests) {
    it(`refuses ${method} ${JSON.stringify(params).slice(0, 60)} and changes nothing`, async () => {
      const c = await client(path);
      const before = api.calls.length;
      await assert.rejects(
        // Raw request: the typed client would not let these through the compiler.
        (c as unknown as { request(m: string, p: unknown): Promise<unknown> }).request(method, params),
        (error: unknown) =>
          error instanceof ControlError &&
          error.code === code &&
          message.test(error.message) &&
          error.message.startsWith(`${method}: `),
      );
      assert.equal(api.calls.length, before, 'the API must not be called');
      c.close();
    });
  }

  it('refuses by-position params with a clear error', async () => {
    const before = api.calls.length;
    const frame = encodeFrame({ jsonrpc: '2.0', id: 3, method: 'setTenantCap', params: ['acme', 1] });
    const result = await rawExchange(path, frame, 400);
    assert.match(
      result.received,
      /"code":-32602,"message":"setTenantCap: params must be an object \(by-name\), got an array"/,
    );
    assert.equal(result.closed, false, 'a bad request is answered, not a reason to hang up');
    assert.equal(api.calls.length, before);
  });

  it('unknown methods get MethodNotFound', async () => {
    const c = await client(path);
    const raw = c as unknown as { request(m: string, p?: unknown): Promise<unknown> };
    for (const [method, params] of [
      ['launchMissiles', undefined],
      ['toString', undefined],
      ['constructor', { x: 1 }],
    ] as const) {
      await assert.rejects(
        params ? raw.request(method, params) : raw.request(method),
        (e: unknown) =>
          e instanceof ControlError && e.code === -32601 && e.message.includes(`unknown method '${method}'`),
      );
    }
    c.close();
  });

  const badFrames: [string, Buffer | string][] = [
    ['a body that is not JSON', 'Content-Length: 5\r\n\r\n{{{{{'],
    ['a header without Content-Length', 'X-Thing: 1\r\n\r\n{}'],
    ['a non-numeric Content-Length', 'Content-Length: lots\r\n\r\n{}'],
    ['a JSON body that is not JSON-RPC', encodeFrame({ hello: 'world' })],
    ['an oversized declared length (refused before the body arrives)', `Content-Length: ${MAX + 1}\r\n\r\n`],
    ['header garbage with no end', 'x'.repeat(9000)],
  ];
  for (const [what, bytes] of badFrames) {
    it(`closes only the connection that sent ${what}`, async () => {
      const healthy = await client(path);
      const before = api.calls.length;
      const droppedBefore = dropped.length;
      const result = await rawExchange(path, bytes);
      assert.equal(result.closed, true, 'the offending connection is closed');
      assert.equal(dropped.length, droppedBefore + 1);
      assert.equal(api.calls.length, before, 'nothing reached the API');
      const snap = await healthy.request('snapshot');
      assert.equal(snap.max_concurrent_sessions, 50, 'the other connection still works');
      healthy.close();
    });
  }

  it('connections beyond maxConnections are closed on accept', async () => {
    const limitedPath = join(dir, 'limited.sock');
    const limited = await startControlServer({ api, socketPath: limitedPath, privateDir: false, maxConnections: 2 });
    const a = await client(limitedPath);
    const b = await client(limitedPath);
    const third = await rawExchange(limitedPath, encodeFrame({ jsonrpc: '2.0', id: 1, method: 'snapshot' }), 1000);
    assert.equal(third.closed, true);
    assert.equal(third.received, '', 'the third connection got no answer');
    assert.equal((await a.request('snapshot')).max_concurrent_sessions, 50);
    a.close();
    b.close();
    await limited.close();
  });

  it('a partial frame is held (bounded) and completes when the rest arrives', async () => {
    const frame = encodeFrame({ jsonrpc: '2.0', id: 7, method: 'snapshot' });
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(path);
      let got = '';
      socket.on('data', (d) => {
        got += d.toString();
        if (got.includes('"id":7')) {
          socket.destroy();
          resolve(got);
        }
      });
      socket.on('connect', () => {
        socket.write(frame.subarray(0, 10));
        setTimeout(() => socket.write(frame.subarray(10)), 100);
      });
    });
    assert.match(reply, /"max_concurrent_sessions":50/);
  });

  it('a frame left incomplete past the deadline closes that connection', async () => {
    const droppedBefore = dropped.length;
    const started = Date.now();
    const result = await rawExchange(path, 'Content-Length: 50\r\n\r\n{"jsonrpc"', 4000);
    assert.equal(result.closed, true);
    assert.ok(Date.now() - started >= 900, 'not before the deadline');
    assert.match(dropped[droppedBefore] ?? '', /stayed incomplete for 1000 ms/);
  });

  it('a frame whose header came but whose body never does also closes at the deadline', async () => {
    // Found by the raw-bytes fuzz: with the header consumed, no bytes were buffered and no deadline ran.
    const droppedBefore = dropped.length;
    const result = await rawExchange(path, 'Content-Length: 44\r\n\r\n', 4000);
    assert.equal(result.closed, true);
    assert.match(dropped[droppedBefore] ?? '', /stayed incomplete for 1000 ms/);
  });

  it('subscribe streams filtered events and stops on close', async () => {
    const c = await client(path);
    const got: RuntimeEvent[] = [];
    await c.subscribe({ types: ['breaker_opened'] }, (e) => got.push(e));
    assert.equal(api.listenerCount, 1);
    api.emit({ type: 'breaker_closed', ts: 't', tenant: 'a' });
    api.emit({ type: 'breaker_opened', ts: 't', tenant: 'a', failures: 3, samples: 5, cooldown_s: 30 });
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(
      got.map((e) => e.type),
      ['breaker_opened'],
    );
    c.close();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(api.listenerCount, 0, 'the listener is removed when the subscriber leaves');
  });

  it('a subscriber that does not read gets a bounded backlog, then a dropped-count notice', async () => {
    // A raw subscriber that never reads: the server's unsent backlog must stay near the 4 KiB limit.
    const socket = connect(path);
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.write(encodeFrame({ jsonrpc: '2.0', id: 1, method: 'subscribe', params: {} }));
    await new Promise((r) => setTimeout(r, 100));
    socket.pause();
    const big = 'x'.repeat(2000);
    const rssBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < 20_000; i++)
      api.emit({ type: 'session_failed', ts: 't', session_id: `s${i}`, tenant: 'a', agent_name: 'a', error: big });
    const grown = process.memoryUsage().heapUsed - rssBefore;
    // 20,000 events of 2 KB would be ~40 MB if buffered.
    assert.ok(grown < 20 * 1024 * 1024, `heap grew ${Math.round(grown / 1024)} KiB`);
    let text = '';
    socket.on('data', (d) => (text += d.toString()));
    socket.resume();
    await new Promise((r) => setTimeout(r, 300));
    api.emit({ type: 'breaker_closed', ts: 't', tenant: 'a' });
    await new Promise((r) => setTimeout(r, 300));
    const notice = /"method":"eventsDropped","params":\{"dropped":(\d+)\}/.exec(text);
    assert.ok(notice, 'a dropped notice arrives');
    assert.ok(Number(notice[1]) > 10_000, `dropped ${notice[1]}`);
    socket.destroy();
  });
});
