// The CLI's contract with scripts: exit codes and one-line messages, against the built bundle.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { leaveStaleSocket } from '../helpers/stale-socket';
import { BuiltCli, exitOf } from './cli-helpers';

const cli = new BuiltCli('exit-codes');
const NO_STACK = /^\s+at /m;

describe('openrtc exit codes and messages', () => {
  let dir: string;
  let python: Server;
  let pythonSock: string;
  before(async () => {
    cli.build();
    dir = mkdtempSync(join(tmpdir(), 'orc-cli-'));
    pythonSock = join(dir, 'top.sock');
    const payload = {
      worker: { uptime_s: 3, active_sessions: 1, max_sessions: 8 },
      sessions: [{ session_id: 'AJ_1', agent_name: 'dental', tenant: 'acme', duration_s: 1, status: 'active' }],
    };
    python = createServer((s) => {
      s.on('error', () => {});
      s.end(`${JSON.stringify(payload)}\n`);
    });
    await new Promise<void>((r) => python.listen(pythonSock, () => r()));
  });
  after(() => {
    python.close();
    rmSync(dir, { recursive: true, force: true });
    cli.remove();
  });

  it('a missing runtime is exit 2 with a one-line hint, never a stack trace', async () => {
    const missing = join(dir, 'nobody.sock');
    const commands = [
      ['snapshot', '--socket', missing],
      ['call', 'echo', '--tenant', 'acme', '--socket', missing],
      ['tenant', 'cap', 'acme', '3', '--socket', missing],
      ['drain', '--socket', missing],
    ];
    const results = await Promise.all(commands.map((args) => cli.run(args)));
    for (const [i, r] of results.entries()) {
      const args = commands[i]!;
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`no runtime at ${missing}.*start one with \`openrtc run\``));
      assert.doesNotMatch(r.stderr, NO_STACK);
      assert.equal(r.stdout, '');
    }
  });

  it('OPENRTC_SOCKET sets the default socket', async () => {
    const viaEnv = join(dir, 'from-env.sock');
    const r = await cli.run(['snapshot'], { OPENRTC_SOCKET: viaEnv });
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`no runtime at ${viaEnv}`));
  });

  it('a stale socket (nobody listening) is exit 2 too', async () => {
    const stale = join(dir, 'stale.sock');
    await leaveStaleSocket(stale);
    const r = await cli.run(['snapshot', '--socket', stale]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /connection refused/);
  });

  const usage: [string[], RegExp][] = [
    [[], /usage: openrtc <command>/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['call'], /call needs --tenant T/],
    [['call', 'echo'], /call needs --tenant T/],
    [['call', 'echo', '--tenant', 'no spaces!'], /--tenant: tenant "no spaces!" contains " "/],
    [['call', 'echo', '--tenant', 'a', '--count', '0'], /--count must be a whole number from 1/],
    [['call', 'echo', '--tenant', 'a', '--metadata', '[1]'], /--metadata must be a JSON object/],
    [['call', 'echo', '--tenant', 'a', '--bogus'], /Unknown option '--bogus'/],
    [['tenant'], /usage: openrtc tenant/],
    [['tenant', 'explode', 'acme'], /unknown tenant action "explode"/],
    [['tenant', 'cap', 'acme'], /tenant cap needs N/],
    [['tenant', 'cap', 'acme', '1.5'], /N must be a whole number from 0/],
    [['tenant', 'breaker', 'acme'], /needs at least one setting/],
    [['tenant', 'breaker', 'acme', '--ratio', '2'], /--ratio must be a number from 0 to 1/],
    [['logs'], /logs needs a FILE/],
    [['logs', '/definitely/not/here.jsonl'], /log file not found: \/definitely\/not\/here\.jsonl/],
    [['logs', '/tmp', '--level', 'loud'], /--level "loud" is not one of/],
    [['run', '/definitely/not/here'], /workspace \/definitely\/not\/here does not exist/],
  ];
  // Spawned in parallel: each CLI start costs ~0.5 s on the shared machine.
  it('usage errors exit 2 with a message that says what is wrong', async () => {
    const results = await Promise.all(usage.map(([args]) => cli.run(args)));
    results.forEach((r, i) => {
      const [args, message] = usage[i]!;
      assert.equal(r.code, 2, `openrtc ${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, `openrtc ${args.join(' ')}`);
      assert.doesNotMatch(r.stderr, NO_STACK);
    });
  });

  it('--help on every command prints its usage and exits 0', async () => {
    const commands = ['run', 'top', 'call', 'snapshot', 'logs', 'tenant', 'drain'];
    const results = await Promise.all([...commands.map((c) => cli.run([c, '--help'])), cli.run(['--help'])]);
    commands.forEach((command, i) => {
      assert.equal(results[i]!.code, 0, results[i]!.stderr);
      assert.match(results[i]!.stdout, new RegExp(`usage: openrtc ${command}`));
    });
    assert.match(
      results.at(-1)!.stdout,
      /Exit codes: 0 ok, 1 the command or some calls failed, 2 bad usage or no runtime/,
    );
  });

  it('tenant actions have their own --help', async () => {
    for (const action of ['cap', 'breaker']) {
      const r = await cli.run(['tenant', action, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`usage: openrtc tenant ${action} T`));
    }
  });

  it('snapshot reads a Python OpenRTC top.sock; control commands refuse it clearly', async () => {
    const snap = await cli.run(['snapshot', '--socket', pythonSock, '--json']);
    assert.equal(snap.code, 0, snap.stderr);
    const parsed = JSON.parse(snap.stdout) as {
      max_concurrent_sessions: number;
      sessions_by_tenant: Record<string, number>;
    };
    assert.equal(parsed.max_concurrent_sessions, 8);
    assert.deepEqual(parsed.sessions_by_tenant, { acme: 1 });
    const text = await cli.run(['snapshot', '--socket', pythonSock]);
    assert.match(text.stdout, /note: Python OpenRTC worker; not reported: .*loop_lag/);
    const call = await cli.run(['call', 'dental', '--tenant', 'acme', '--socket', pythonSock]);
    assert.equal(call.code, 2);
    assert.match(call.stderr, /Python OpenRTC worker's top\.sock: it serves snapshots only/);
  });

  it('logs: skipped bad lines are reported on stderr, matches on stdout, exit 0', async () => {
    const file = join(dir, 'w.jsonl');
    writeFileSync(
      file,
      [
        '{"level":"INFO","session_id":"s1","tenant":"a","logger":"x","message":"one","timestamp":"2026-01-01 10:00:00,000"}',
        'garbage',
        '{"level":"INFO","session_id":"s2","tenant":"b","logger":"x","message":"two"}',
      ].join('\n'),
    );
    const r = await cli.run(['logs', file, '--tenant', 'a']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), '2026-01-01T10:00:00.000 INFO     a/-/s1 x: one');
    assert.match(r.stderr, /skipped 1 line that are not JSON records/);
  });

  it('logs --follow prints records as they are appended and stops cleanly on SIGINT', async () => {
    const file = join(dir, 'live.jsonl');
    const line = (m: string, tenant = 'a'): string =>
      `${JSON.stringify({ level: 'INFO', session_id: 's', tenant, logger: 'x', message: m })}\n`;
    writeFileSync(file, line('first'));
    const { child, output } = await cli.start(['logs', file, '--tenant', 'a', '--follow'], /first/);
    appendFileSync(file, `not json\n${line('other tenant', 'b')}${line('second')}`);
    const deadline = Date.now() + 10_000;
    while (!/second/.test(output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.match(output(), /s x: second/);
    assert.doesNotMatch(output(), /other tenant/);
    child.kill('SIGINT');
    assert.equal(await exitOf(child), 0);
    assert.match(output(), /skipped 1 line that are not JSON records/);
  });
});
