// Fuzzing the control protocol over a real Unix socket into a real Runtime: random and mutated
// JSON-RPC messages, then raw bytes (partial frames, oversized frames, garbage, abrupt
// disconnects). Every request gets a response (never a hang); every refusal carries a code and a
// reason; a refused input changes nothing in the runtime's state (snapshot compared before and
// after); the server keeps serving new connections; the process never crashes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { connectControl } from '../../protocol/connect';
import type { RuntimeSnapshot } from '../../protocol/control';
import { isMethodName, METHOD_NAMES, Methods } from '../../protocol/methods';
import { encodeFrame } from '../../protocol/framing';
import { paramSpecs } from '../../runtime/control/params';
import { startControlServer, type ControlServer } from '../../runtime/control/server';
import { Runtime } from '../../runtime/runtime';
import { ECHO_AGENT, makeWorkspace, type Workspace } from '../runtime/engine-workspace';
import { RawControlConnection } from './control-wire';

const RUNS = Number(process.env.OPENRTC_FUZZ_RUNS ?? 150);
const MAX_MESSAGE_BYTES = 64 * 1024;

/** The state a request could change, without clocks and gauges that move on their own. */
function state(s: RuntimeSnapshot): unknown {
  const tenants = Object.fromEntries(Object.entries(s.tenants).map(([t, v]) => [t, { ...v, process: undefined }]));
  return { ...s, timestamp: 0, uptime_seconds: 0, loop_lag: null, rss_mb: 0, sessions: s.sessions.length, tenants };
}

const METHODS = METHOD_NAMES;
// Methods whose valid form would end or reshape the runtime under test: always sent with a bad field.
const ALWAYS_INVALID = new Set<string>([Methods.drain, Methods.isolateTenant]);
const oddValue = fc.oneof(
  fc.constantFrom(
    -1,
    0,
    1,
    2,
    1.5,
    1e12,
    '',
    'echo',
    'acme',
    'globex',
    'no such agent',
    'bad tenant!',
    'a'.repeat(300),
    true,
    false,
    null,
    [],
    {},
    ['hi'],
    { tenant: 'globex' },
  ),
  fc.jsonValue({ maxDepth: 2 }),
);
const paramsFor = (method: string): fc.Arbitrary<unknown> => {
  const keys = isMethodName(method) ? Object.keys(paramSpecs[method]) : [];
  const dict = fc.dictionary(
    keys.length ? fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })) : fc.string({ maxLength: 8 }),
    oddValue,
    { maxKeys: 5 },
  );
  const params = ALWAYS_INVALID.has(method) ? dict.map((p) => ({ ...p, zz_not_a_field: 1 })) : dict;
  return fc.oneof(
    { weight: 6, arbitrary: params },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
};
const message = fc
  .tuple(
    fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...METHODS) },
      { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
      { weight: 1, arbitrary: fc.constantFrom('toString', '__proto__', 'constructor', 'event', '$/cancelRequest') },
    ),
    fc.oneof({ weight: 8, arbitrary: fc.constant('2.0') }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) }),
    fc.oneof(
      { weight: 8, arbitrary: fc.constant('id') },
      { weight: 1, arbitrary: fc.constant('none') },
      { weight: 1, arbitrary: fc.constant('odd') },
    ),
  )
  .chain(([method, jsonrpc, idKind]) =>
    paramsFor(method).map((params) => {
      const msg: Record<string, unknown> = { jsonrpc, method };
      if (idKind === 'id') msg.id = 1;
      if (idKind === 'odd') msg.id = { nested: true };
      if (params !== undefined) msg.params = params;
      return msg;
    }),
  );

describe('control protocol fuzz over a real socket', () => {
  let ws: Workspace;
  let rt: Runtime;
  let server: ControlServer;
  let dir: string;
  let path: string;
  const dropped: string[] = [];

  before(async () => {
    ws = makeWorkspace(
      { 'agents/echo.ts': ECHO_AGENT },
      { max_sessions_per_tenant: { '*': 3 }, enable_tenant_circuit_breaker: true },
    );
    rt = await Runtime.start({
      workspaceDir: ws.dir,
      watch: false,
      callScript: { replyTimeoutMs: 2000, hangUpGraceMs: 200 },
    });
    dir = mkdtempSync(join(tmpdir(), 'orc-fz-'));
    path = join(dir, 'c.sock');
    server = await startControlServer({
      api: rt,
      socketPath: path,
      maxMessageBytes: MAX_MESSAGE_BYTES,
      partialFrameTimeoutMs: 300,
      onConnectionDropped: (r) => dropped.push(r),
    });
  });
  after(async () => {
    await server.close();
    await rt.stop();
    ws.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Sessions started by an accepted startCalls run on after the reply: let them end first. */
  const idle = async (): Promise<void> => {
    const deadline = Date.now() + 10_000;
    while (rt.sessions().length > 0) {
      if (Date.now() > deadline) throw new Error('sessions did not end');
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  const stillServes = async (): Promise<void> => {
    const c = await connectControl(path, { timeoutMs: 10_000 });
    assert.equal(c.kind, 'openrtc');
    if (c.kind === 'openrtc') c.client.close();
  };

  it('random and mutated JSON-RPC messages: a reply to every request, a reason for every refusal, no change on refusal', async () => {
    const tally = { ok: 0, refused: 0, dropped: 0, unanswered: 0 };
    const conn = await RawControlConnection.open(path);
    let live = conn;
    await fc.assert(
      fc.asyncProperty(message, async (msg) => {
        await idle();
        const before = state(rt.snapshot());
        const expectsReply = msg.jsonrpc === '2.0' && typeof msg.method === 'string' && msg.id === 1;
        const seen = (await live.wait(() => false, 0)).responses.length;
        const droppedBefore = dropped.length;
        live.write(encodeFrame(msg));
        const reply = await live.wait((r) => r.length > seen, expectsReply ? 5000 : 100);
        assert.ok(!(expectsReply && reply.timedOut), `no reply within 5 s to ${JSON.stringify(msg).slice(0, 200)}`);
        const response = reply.responses[seen];
        const error = response?.error as { code?: unknown; message?: unknown } | undefined;
        if (response && !error) {
          tally.ok += 1;
          return;
        }
        if (error) {
          tally.refused += 1;
          assert.equal(typeof error.code, 'number', 'a refusal has a code');
          assert.ok(typeof error.message === 'string' && error.message.length > 0, 'a refusal says why');
        } else if (reply.closedByServer) {
          tally.dropped += 1;
          assert.ok(
            dropped.length > droppedBefore && dropped.at(-1)!.length > 0,
            `closed without a reason on ${JSON.stringify(msg).slice(0, 200)}`,
          );
          live = await RawControlConnection.open(path);
        } else {
          tally.unanswered += 1; // a notification or a message that is not a request: no reply is due
        }
        await idle();
        assert.deepEqual(
          state(rt.snapshot()),
          before,
          `state changed by a refused ${JSON.stringify(msg).slice(0, 200)}`,
        );
      }),
      { numRuns: RUNS * 2 },
    );
    live.destroy();
    conn.destroy();
    await stillServes();
    console.log(
      `fuzz control messages: ${RUNS * 2} cases (${tally.ok} accepted, ${tally.refused} refused with a reason, ${tally.dropped} connections closed, ${tally.unanswered} needing no reply)`,
    );
    assert.ok(tally.ok > 0 && tally.refused > 0, 'both accepted and refused requests were exercised');
  });

  const validFrame = encodeFrame({ jsonrpc: '2.0', id: 7, method: 'snapshot' });
  const rawInput = fc.oneof(
    fc
      .uint8Array({ minLength: 1, maxLength: 512 })
      .map((b) => ({ kind: 'random bytes', bytes: Buffer.from(b), hangUp: false })),
    fc
      .nat({ max: validFrame.length - 1 })
      .map((n) => ({ kind: 'partial frame', bytes: validFrame.subarray(0, Math.max(1, n)), hangUp: false })),
    fc
      .nat({ max: validFrame.length - 1 })
      .map((n) => ({ kind: 'abrupt disconnect', bytes: validFrame.subarray(0, Math.max(1, n)), hangUp: true })),
    fc.integer({ min: MAX_MESSAGE_BYTES + 1, max: 2 ** 31 }).map((n) => ({
      kind: 'oversized frame',
      bytes: Buffer.from(`Content-Length: ${n}\r\n\r\n{"jsonrpc":`),
      hangUp: false,
    })),
    fc
      .string({ maxLength: 40 })
      .map((h) => ({ kind: 'mutated header', bytes: Buffer.from(`Content-Length: ${h}\r\n\r\n{}`), hangUp: false })),
  );

  it('raw bytes: partial, oversized and garbled frames and abrupt disconnects close only that connection, with a reason', async () => {
    const counts: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(rawInput, async ({ kind, bytes, hangUp }) => {
        counts[kind] = (counts[kind] ?? 0) + 1;
        const before = state(rt.snapshot());
        const droppedBefore = dropped.length;
        const conn = await RawControlConnection.open(path);
        conn.write(bytes);
        if (hangUp) conn.destroy();
        // The partial-frame timeout is 300 ms; allow a busy machine (tests run side by side) far more.
        const reply = hangUp ? null : await conn.wait(() => false, 10_000);
        conn.destroy();
        if (reply) {
          const answered = reply.responses.length > 0;
          // Bytes that happen to form a whole valid request may be answered; anything else is closed.
          assert.ok(reply.closedByServer || answered, `${kind}: connection neither answered nor closed`);
          if (reply.closedByServer && !answered)
            assert.ok(dropped.length > droppedBefore && dropped.at(-1)!.length > 0, `${kind}: closed without a reason`);
        }
        await stillServes();
        await idle();
        assert.deepEqual(state(rt.snapshot()), before, `${kind} changed the runtime's state`);
      }),
      { numRuns: Math.round(RUNS / 2) },
    );
    console.log(
      `fuzz control raw bytes: ${Math.round(RUNS / 2)} cases (${Object.entries(counts)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')})`,
    );
    assert.equal(server.connectionCount() <= 1, true, 'no connection left open');
  });
});
