// A failing agent's stack as its tenant's developers get it: the real bundled CLI runs an agent
// that throws, the JSONL on disk keeps every frame, and the escalation bundle and `openrtc logs`
// text keep the agent's .ts frames and drop (and count) the runtime's bundle and Node frames.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LogRecord } from '../../protocol/control';
import { tenantStack } from '../../protocol/tenant-stack';
import { buildBundle, failedSessions } from '../../client/logs/escalation';
import { toLogRecord } from '../../runtime/log-reader/record';
import { makeWorkspace, type Workspace } from '../runtime/engine-workspace';

const root = join(__dirname, '..', '..');
// The agent's own frames are lines 4 and 10 of this file; the runtime calls entry() from its bundle.
const THROWING_AGENT = `import { defineAgent } from 'openrtc';

function parseOrder(text: string): number {
  throw new Error(\`cannot parse order \${text}\`);
}

export default defineAgent({
  name: 'orders',
  entry(ctx) {
    ctx.say(String(parseOrder('two pizzas')));
  },
});
`;

/** Runs the bundled CLI built under a `dist/` folder, as the extension and npm ship it. */
function cli(entry: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [entry, ...args], {
    encoding: 'utf8',
    env: { ...process.env, OPENRTC_SOCKET: '' },
  });
}

describe('escalation: a failing agent stack a tenant can read', () => {
  const buildDir = join(root, '.tools', `test-tenant-stack-${process.pid}`, 'dist');
  const entry = join(buildDir, 'cli.js');
  let ws: Workspace;
  let failure: Record<string, unknown>;

  before(async () => {
    mkdirSync(buildDir, { recursive: true });
    const built = spawnSync(
      process.execPath,
      [join(root, 'scripts/build.mjs'), '--outdir', buildDir, '--only', 'cli,watchdog'],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(built.status, 0, built.stderr);
    ws = makeWorkspace({ 'agents/orders.ts': THROWING_AGENT }, { agents: 'agents/' });
    const socket = join(ws.dir, 'rt.sock');
    const runtime = spawn(process.execPath, [entry, 'run', ws.dir, '--socket', socket], {
      env: { ...process.env, OPENRTC_SOCKET: '' },
    });
    let out = '';
    runtime.stderr.on('data', (d) => (out += d));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`runtime not listening: ${out}`)), 30_000);
      runtime.stdout.on('data', (d) => {
        out += d;
        if (out.includes('listening on')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const call = cli(entry, ['call', 'orders', '--tenant', 'acme', '--socket', socket]);
    assert.equal(call.status, 1, `the call fails: ${call.stdout}${call.stderr}`);
    const exited = new Promise((resolve) => runtime.once('exit', resolve));
    runtime.kill('SIGTERM');
    await exited;
    const failed = ws.readLog().find((r) => typeof r['exc_info'] === 'string');
    assert.ok(failed, 'the failure is logged with exc_info');
    failure = failed;
  });
  after(() => {
    ws?.cleanup();
    rmSync(join(buildDir, '..'), { recursive: true, force: true });
  });

  it('the JSONL on disk keeps every frame, the runtime bundle included', () => {
    const exc = String(failure['exc_info']);
    assert.match(exc, /^Error: cannot parse order two pizzas\n/);
    assert.match(exc, /agents\/orders\.ts:4:\d+/);
    assert.match(exc, /agents\/orders\.ts:10:\d+/);
    // `openrtc run` is in the command table's bundle, which dist/cli.js loads.
    assert.match(exc, /[\\/]dist[\\/]cli-commands\.js:\d+:\d+/, 'the runtime called the agent from its bundle');
  });

  it('the escalation bundle keeps the agent frames with their .ts lines, drops and counts the rest', () => {
    const exc = String(failure['exc_info']);
    const runtimeFrames = exc.split('\n').filter((l) => /^\s+at /.test(l) && !/agents\/orders\.ts:/.test(l)).length;
    assert.ok(runtimeFrames >= 2, `runtime frames under the agent's: ${exc}`);
    const records: LogRecord[] = ws.readLog().map(toLogRecord);
    const sessionId = String(failure['session_id']);
    const bundle = buildBundle({ sessionId, tenant: 'acme', agentName: 'orders', records, generatedAt: new Date(0) });
    const inBundle = bundle.text
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogRecord)
      .find((r) => r.exc_info);
    assert.ok(inBundle?.exc_info, `the bundle carries the stack: ${bundle.text}`);
    const lines = inBundle.exc_info.split('\n');
    assert.equal(lines[0], 'Error: cannot parse order two pizzas');
    assert.match(lines[1] ?? '', /^ {4}at parseOrder \(.*agents\/orders\.ts:4:\d+\)$/);
    assert.match(lines[2] ?? '', /^ {4}at Object\.entry \(.*agents\/orders\.ts:10:\d+\)$/);
    assert.equal(lines[3], `    (${runtimeFrames} runtime frames dropped; the JSONL log keeps the full stack)`);
    assert.equal(lines.length, 4);
    assert.doesNotMatch(bundle.text, /dist[\\/]cli(?:-commands)?\.js|node:internal/);
  });

  it('`openrtc logs` text shows the same cut stack; --json prints the record unchanged', () => {
    const log = join(ws.dir, '.openrtc/worker.jsonl');
    const text = cli(entry, ['logs', log, '--level', 'error']);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /agents\/orders\.ts:4:\d+/);
    assert.match(text.stdout, /runtime frames dropped; the JSONL log keeps the full stack\)/);
    assert.doesNotMatch(text.stdout, /dist[\\/]cli(?:-commands)?\.js/);
    const json = cli(entry, ['logs', log, '--level', 'error', '--json']);
    assert.match(json.stdout, /dist[\\/]cli-commands\.js:\d+:\d+/);
  });
});

describe('tenantStack', () => {
  it('drops minified bundle frames, Node internals and built-ins, keeps messages and causes', () => {
    const exc = [
      'Error: provider 503',
      '    at callProvider (/ws/agents/booking.ts:12:11)',
      '    at async Object.entry (/ws/agents/booking.ts:30:5)',
      '    at Session.start (/opt/ext/dist/runtime.js:112:4520)',
      '    at /usr/lib/node_modules/openrtc/dist/cli.js:3:99',
      '    at SessionManager.place (/usr/lib/node_modules/openrtc/dist/cli-commands.js:36621:21)',
      '    at process.processTimers (node:internal/timers:516:9)',
      '    at Function.from (<anonymous>)',
      '    at async Promise.all (index 0)',
      '  [cause]: Error: socket hang up',
      '      at TLSSocket.onEnd (/ws/agents/lib/http.ts:4:2)',
    ].join('\n');
    const cut = tenantStack(exc);
    assert.equal(cut.dropped, 6);
    assert.deepEqual(cut.text.split('\n'), [
      'Error: provider 503',
      '    at callProvider (/ws/agents/booking.ts:12:11)',
      '    at async Object.entry (/ws/agents/booking.ts:30:5)',
      '  [cause]: Error: socket hang up',
      '      at TLSSocket.onEnd (/ws/agents/lib/http.ts:4:2)',
      '    (6 runtime frames dropped; the JSONL log keeps the full stack)',
    ]);
  });

  it('leaves a stack with no runtime frames exactly as it was', () => {
    const exc = 'Error: x\n    at f (/ws/agents/a.ts:1:1)';
    assert.deepEqual(tenantStack(exc), { text: exc, dropped: 0 });
  });
});

describe('failedSessions (the escalation picker)', () => {
  const rec = (
    session_id: string,
    timestamp: string,
    level: string,
    message: string,
    exc_info?: string,
  ): LogRecord => ({
    timestamp,
    level,
    session_id,
    agent_name: 'booking',
    tenant: 'acme',
    logger: 'openrtc.session',
    message,
    ...(exc_info ? { exc_info } : {}),
  });

  it('lists each failed session once, newest failure first, with when and the first line of its error', () => {
    const records = [
      rec(
        'SES_a',
        '2026-12-06T10:00:01.000Z',
        'ERROR',
        'session failed',
        'Error: provider 503\n    at f (/ws/a.ts:1:1)',
      ),
      rec('SES_b', '2026-12-06T10:00:05.000Z', 'INFO', 'session started'),
      rec('SES_c', '2026-12-06T10:00:03.000Z', 'ERROR', 'could not book: no slot'),
      rec(
        'SES_a',
        '2026-12-06T10:00:04.000Z',
        'ERROR',
        'session failed',
        'TypeError: x is undefined\n    at g (/ws/a.ts:2:2)',
      ),
    ];
    assert.deepEqual(failedSessions(records), [
      {
        sessionId: 'SES_a',
        agentName: 'booking',
        failedAt: '2026-12-06T10:00:04.000Z',
        error: 'TypeError: x is undefined',
      },
      {
        sessionId: 'SES_c',
        agentName: 'booking',
        failedAt: '2026-12-06T10:00:03.000Z',
        error: 'could not book: no slot',
      },
    ]);
  });
});
