// `openrtc top --once` against a real control socket and against Python-style and hostile
// sockets: sorting, each filter, an empty pool, and bad input with exit code 2.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { emptySnapshot } from './control-fake-api';
import { poolSnapshot, rawServer, runtimeServer, topOnce } from './top-fixtures';

const cleanups: (() => unknown)[] = [];
after(() => Promise.all(cleanups.map((c) => c())));

async function pool(snapshot = poolSnapshot) {
  const rt = await runtimeServer(snapshot);
  cleanups.push(() => rt.server.close());
  return rt.path;
}

const ids = (out: string): string[] => (JSON.parse(out) as { session_id: string }[]).map((r) => r.session_id);

test('--once prints header, columns and the last block with its source line', async () => {
  const { code, out, err } = await topOnce(['--once', '--socket', await pool()]);
  assert.equal(err, '');
  assert.equal(code, 0);
  assert.match(out, /up 1h02m · sessions 4\/50/);
  assert.match(out, /loop lag p50 0.4ms p99 3.2ms max 612ms · open breakers: acme\(open\) · isolated: bistro/);
  assert.match(out, /session +agent +tenant +dur\(s\) +cpu% +mem~MB +status +last block \(source\)/);
  // Whole ids: two sessions whose ids share their start stay apart.
  assert.match(out, /sess-acme-0001 +dental +acme +30 +61.5 +40.0 SLOW +600ms dental.ts:42 lookupPatient/);
  assert.match(out, /sess-acme-0002 +booking +acme +300 /);
  assert.match(out, /mem~ = estimate/);
  assert.doesNotMatch(out, /\x1b/, 'no escape codes in --once output');
});

test('--sort orders numbers descending and text ascending', async () => {
  const path = await pool();
  const cases: [string, string[]][] = [
    ['cpu_pct', ['sess-acme-0001', 'sess-bistro-01', 'sess-acme-0002', 'sess-clinic-01']],
    ['duration_s', ['sess-acme-0002', 'sess-clinic-01', 'sess-acme-0001', 'sess-bistro-01']],
    ['mem_mb', ['sess-bistro-01', 'sess-acme-0001', 'sess-acme-0002', 'sess-clinic-01']],
    ['agent_name', ['sess-acme-0002', 'sess-bistro-01', 'sess-acme-0001', 'sess-clinic-01']],
    ['session_id', ['sess-acme-0001', 'sess-acme-0002', 'sess-bistro-01', 'sess-clinic-01']],
    ['tenant', ['sess-acme-0001', 'sess-acme-0002', 'sess-bistro-01', 'sess-clinic-01']],
  ];
  for (const [key, expected] of cases) {
    const { code, out } = await topOnce(['--once', '--json', '--sort', key, '--socket', path]);
    assert.equal(code, 0);
    assert.deepEqual(ids(out), expected, key);
  }
});

test('each filter: --status, --tenant, --agent, combined', async () => {
  const path = await pool();
  const run = async (...args: string[]) =>
    ids((await topOnce(['--once', '--json', '--sort', 'session_id', '--socket', path, ...args])).out);
  assert.deepEqual(await run('--status', 'slow'), ['sess-acme-0001']);
  assert.deepEqual(await run('--status', 'failed'), ['sess-clinic-01']);
  assert.deepEqual(await run('--status', 'active'), ['sess-acme-0002', 'sess-bistro-01']);
  assert.deepEqual(await run('--status', 'all'), [
    'sess-acme-0001',
    'sess-acme-0002',
    'sess-bistro-01',
    'sess-clinic-01',
  ]);
  assert.deepEqual(await run('--tenant', 'acme'), ['sess-acme-0001', 'sess-acme-0002']);
  assert.deepEqual(await run('--agent', 'booking'), ['sess-acme-0002', 'sess-bistro-01']);
  assert.deepEqual(await run('--tenant', 'acme', '--agent', 'booking'), ['sess-acme-0002']);
  assert.deepEqual(await run('--tenant', 'nobody'), []);
});

test('an empty pool prints an empty table and an empty JSON list', async () => {
  const path = await pool(emptySnapshot);
  const text = await topOnce(['--once', '--socket', path]);
  assert.equal(text.code, 0);
  assert.match(text.out, /sessions 0\/50/);
  assert.match(text.out, /\(no sessions match\)/);
  const json = await topOnce(['--once', '--json', '--socket', path]);
  assert.deepEqual(JSON.parse(json.out), []);
});

test('reads a Python OpenRTC top.sock into the same table', async () => {
  const payload = {
    worker: {
      name: 'py-worker',
      uptime_s: 90,
      active_sessions: 1,
      max_sessions: 20,
      started: 3,
      failed: 0,
      draining: false,
    },
    sessions: [
      {
        session_id: 'AJ_py_1',
        agent_name: 'restaurant',
        tenant: null,
        duration_s: 12,
        mem_mb: 50,
        peak_mb: 60,
        cpu_pct: 7,
        status: 'SLOW',
        pinned: false,
      },
    ],
  };
  const py = await rawServer('top.sock', (s) => s.end(`${JSON.stringify(payload)}\n`));
  cleanups.push(() => py.server.close());
  const { code, out } = await topOnce(['--once', '--socket', py.path]);
  assert.equal(code, 0);
  assert.match(out, /python openrtc · py-worker · up 1m30s · sessions 1\/20/);
  assert.match(out, /loop lag n\/a/);
  assert.match(out, /AJ_py_1 +restaurant +default +12 +7.0 +50.0 SLOW/);
});

test('bad input: garbled or silent top.sock, a socket that is not ours, no socket, bad flags', async () => {
  const garbled = await rawServer('garbled.sock', (s) => s.end('{"worker": nope}\n'));
  const silent = await rawServer('silent.sock', () => {});
  const notOurs = await rawServer('ssh.sock', (s) => s.end('SSH-2.0-OpenSSH_9.2\r\n'));
  cleanups.push(
    () => garbled.server.close(),
    () => silent.server.close(),
    () => notOurs.server.close(),
  );

  const g = await topOnce(['--once', '--socket', garbled.path]);
  assert.equal(g.code, 2);
  assert.match(g.err, /^openrtc top: .*garbled\.sock.*not JSON/);

  const started = Date.now();
  const s = await topOnce(['--once', '--socket', silent.path]);
  assert.equal(s.code, 2);
  assert.match(s.err, /did not answer within the timeout/);
  assert.ok(Date.now() - started < 5000);

  const n = await topOnce(['--once', '--socket', notOurs.path]);
  assert.equal(n.code, 2);
  assert.match(n.err, /not an OpenRTC control protocol/);

  const missing = await topOnce(['--once', '--socket', '/nonexistent/openrtc.sock']);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /no runtime at \/nonexistent\/openrtc.sock.*\nhint: start a runtime with `openrtc run`/);
  assert.doesNotMatch(missing.err, /\n\s+at /, 'no stack trace');

  for (const [args, message] of [
    [['--refresh-rate', '20'], /--refresh-rate "20" is out of range: give a number of Hz from 0.5 to 10/],
    [['--refresh-rate', '0.1'], /out of range/],
    [['--refresh-rate', 'fast'], /out of range/],
    [['--sort', 'rss'], /--sort "rss" is not one of cpu_pct, duration_s, mem_mb, agent_name, session_id, tenant/],
    [['--status', 'errored'], /--status "errored" is not one of all, active, slow, failed/],
    [['--tenant'], /--tenant needs a value/],
    [['--bogus'], /unknown argument "--bogus"/],
  ] as const) {
    const r = await topOnce([...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, message);
    assert.equal(r.out, '');
  }
});
