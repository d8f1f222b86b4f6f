// End to end: `openrtc run` on a fixture workspace, driven by the other commands, all as real
// child processes of the built CLI over the real control socket.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { RuntimeEvent, RuntimeSnapshot, StartCallsResult } from '../../protocol/control';
import { connectControl } from '../../protocol/connect';
import { BuiltCli, exitOf } from './cli-helpers';

const cli = new BuiltCli('run');

describe('openrtc run + call/snapshot/tenant/logs end to end', () => {
  let dir: string;
  let workspace: string;
  let sock: string;
  let runtime: ChildProcessWithoutNullStreams;
  let runtimeOutput: () => string;
  const ctl = (args: string[]) => cli.run([...args, '--socket', sock]);
  /** `openrtc logs` on the runtime's file until its output matches (the runtime flushes every 200 ms); the last output. */
  const logsUntil = async (filter: string[], expected: RegExp): Promise<string> => {
    let out = '';
    for (let i = 0; i < 20 && !expected.test(out); i++) {
      await new Promise((r) => setTimeout(r, 100));
      out = (await cli.run(['logs', join(workspace, '.openrtc', 'worker.jsonl'), ...filter, '--json'])).stdout;
    }
    return out;
  };

  before(async () => {
    cli.build();
    dir = mkdtempSync(join(tmpdir(), 'orc-run-'));
    workspace = join(dir, 'ws');
    cpSync(join(__dirname, '..', 'fixtures', 'cli-workspace'), workspace, { recursive: true });
    sock = join(dir, 'rt.sock');
    const started = await cli.start(['run', workspace, '--socket', sock, '--drain-timeout', '5'], /listening on/);
    runtime = started.child;
    runtimeOutput = started.output;
    assert.match(started.line, new RegExp(`listening on ${sock}`), 'the ready line names the socket');
  });
  after(async () => {
    if (runtime.exitCode === null) {
      runtime.kill('SIGKILL');
      await exitOf(runtime);
    }
    rmSync(dir, { recursive: true, force: true });
    cli.remove();
  });

  let echoSessions: string[] = [];

  it('call --json: healthy calls succeed, exit 0', async () => {
    const r = await ctl([
      'call',
      'echo',
      '--tenant',
      'acme',
      '--say',
      'hi',
      '--say',
      'bye',
      '--count',
      '3',
      '--concurrency',
      '3',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as StartCallsResult;
    assert.equal(result.started, 3);
    assert.equal(result.succeeded, 3);
    assert.equal(result.failed, 0);
    assert.deepEqual(result.rejected, {});
    assert.equal(result.sessions.length, 3);
    echoSessions = result.sessions;
  });

  it("call --script: the caller speaks the file's turns; a bad file is refused naming the file and key", async () => {
    const script = join(dir, 'dialogue.json');
    writeFileSync(
      script,
      JSON.stringify({ turns: ['menu', { say: 'table for two' }], think_ms: 20, reply_timeout_ms: 2000 }),
    );
    const r = await ctl(['call', 'echo', '--tenant', 'scripted', '--script', script, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const [id] = (JSON.parse(r.stdout) as StartCallsResult).sessions;
    const heard = await logsUntil(['--session', id!], /table for two/);
    assert.match(heard, /menu[^]*table for two/, 'both turns reached the agent, in order');

    writeFileSync(script, JSON.stringify({ turns: ['hi'], think_ms: 'slow' }));
    const bad = await ctl(['call', 'echo', '--tenant', 'scripted', '--script', script]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, new RegExp(`--script ${script}: think_ms: must be a whole number`));
    const both = await ctl(['call', 'echo', '--tenant', 'scripted', '--script', script, '--say', 'x']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--say and --script/);
    const missing = await ctl(['call', 'echo', '--tenant', 'scripted', '--script', join(dir, 'nope.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.json: cannot read/);
  });

  it('call --json: failing calls are counted and exit 1; the breaker then rejects', async () => {
    const r = await ctl(['call', 'broken', '--tenant', 'flaky', '--count', '4', '--concurrency', '1', '--json']);
    assert.equal(r.code, 1);
    const result = JSON.parse(r.stdout) as StartCallsResult;
    assert.equal(result.failed + (result.rejected.circuit_open ?? 0), 4);
    assert.ok(result.failed >= 2, `failed ${result.failed}`);
    assert.ok((result.rejected.circuit_open ?? 0) >= 1, `breaker opened after min_samples=2: ${r.stdout}`);
  });

  it('tenant cap applies at run time and call reports the rejection by reason', async () => {
    const cap = await ctl(['tenant', 'cap', 'acme', '0']);
    assert.equal(cap.code, 0, cap.stderr);
    assert.match(cap.stdout, /tenant acme: cap 0/);
    const r = await ctl(['call', 'echo', '--tenant', 'acme', '--say', 'x', '--json']);
    assert.equal(r.code, 1);
    assert.deepEqual((JSON.parse(r.stdout) as StartCallsResult).rejected, { tenant_cap: 1 });
    assert.equal((await ctl(['tenant', 'cap', 'acme', 'none'])).code, 0);
  });

  it('tenant breaker tunes the cooldown', async () => {
    const r = await ctl(['tenant', 'breaker', 'acme', '--cooldown', '7', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { cooldown_s: unknown }).cooldown_s, 7);
  });

  it('tenant breaker sets the half-open probes and the cooldown cap, and refuses out-of-range values', async () => {
    const bad = await ctl(['tenant', 'breaker', 'acme', '--probes', '0']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--probes/);
    const r = await ctl(['tenant', 'breaker', 'acme', '--probes', '2', '--max-cooldown', '90']);
    assert.equal(r.code, 0, r.stderr);
    // The operator's change is a record of that tenant.
    const logged = await logsUntil(['--tenant', 'acme'], /max_cooldown_s=90 half_open_probes=2/);
    assert.match(logged, /"tenant":"acme".*max_cooldown_s=90 half_open_probes=2/);
  });

  it('snapshot --json reflects all of the above; text form names the tenants', async () => {
    const r = await ctl(['snapshot', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as RuntimeSnapshot;
    assert.equal(s.tenants.acme?.started, 3);
    assert.equal(s.tenants.acme?.rejections_by_reason.tenant_cap, 1);
    assert.equal(s.tenants.flaky?.breaker.state, 'open');
    assert.ok((s.tenants.flaky?.failures ?? 0) >= 2);
    const text = await ctl(['snapshot']);
    assert.match(text.stdout, /^flaky\s+0\s+5\s+\d+\s+\d+\s+circuit_open \d+\s+OPEN/m);
  });

  it('a garbled client is disconnected and changes nothing', async () => {
    const before = JSON.parse((await ctl(['snapshot', '--json'])).stdout) as RuntimeSnapshot;
    const closed = await new Promise<boolean>((resolve) => {
      const s = connect(sock);
      s.on('connect', () => s.write('Content-Length: 3\r\n\r\n{x}'));
      s.on('error', () => {});
      s.on('close', () => resolve(true));
      setTimeout(() => resolve(false), 3000);
    });
    assert.ok(closed);
    const after = JSON.parse((await ctl(['snapshot', '--json'])).stdout) as RuntimeSnapshot;
    assert.equal(after.total_sessions_started, before.total_sessions_started);
    for (const [name, t] of Object.entries(before.tenants)) {
      assert.equal(after.tenants[name]?.started, t.started);
      assert.deepEqual(after.tenants[name]?.rejections_by_reason, t.rejections_by_reason);
    }
  });

  it('a second runtime on the same socket is refused (exit 2) and the first keeps it', async () => {
    const r = await cli.run(['run', workspace, '--socket', sock]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /another runtime is already listening on/);
    assert.equal((await ctl(['snapshot', '--json'])).code, 0);
  });

  it('logs --session and --tenant select exactly those records', async () => {
    const logFile = join(workspace, '.openrtc', 'worker.jsonl');
    const target = echoSessions[0]!;
    const bySession = await cli.run(['logs', logFile, '--session', target, '--json']);
    assert.equal(bySession.code, 0, bySession.stderr);
    const records = bySession.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { session_id: string; tenant: string; agent_name: string; message: string });
    assert.ok(records.length >= 1, 'the session logged');
    assert.ok(records.every((r) => r.session_id === target && r.tenant === 'acme' && r.agent_name === 'echo'));
    const byTenant = await cli.run(['logs', logFile, '--tenant', 'flaky', '--json']);
    const flaky = byTenant.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { tenant: string; message: string });
    assert.ok(flaky.some((r) => r.message === 'about to fail'));
    // The tenant's breaker transitions are its records too: the incident runbook reads them there.
    assert.ok(
      flaky.some((r) => r.message.startsWith("[circuit-breaker] tenant 'flaky' opened after")),
      byTenant.stdout,
    );
    assert.ok(flaky.every((r) => r.tenant === 'flaky'));
  });

  it("subscribe streams the real runtime's events, filtered by type", async () => {
    const c = await connectControl(sock);
    assert.equal(c.kind, 'openrtc');
    if (c.kind !== 'openrtc') return;
    assert.ok(c.client.hello.capabilities.includes('subscribe'));
    const events: RuntimeEvent[] = [];
    await c.client.subscribe({ types: ['session_started', 'session_ended'] }, (e) => events.push(e));
    const r = await ctl(['call', 'echo', '--tenant', 'events', '--say', 'hi', '--json']);
    const [session] = (JSON.parse(r.stdout) as StartCallsResult).sessions;
    const deadline = Date.now() + 5000;
    while (!events.some((e) => e.type === 'session_ended') && Date.now() < deadline)
      await new Promise((res) => setTimeout(res, 50));
    c.client.close();
    const mine = events.filter((e) => 'session_id' in e && e.session_id === session);
    assert.deepEqual(
      mine.map((e) => e.type),
      ['session_started', 'session_ended'],
    );
    assert.ok(events.every((e) => e.type === 'session_started' || e.type === 'session_ended'));
  });

  it('SIGTERM drains, exits 0 and removes the socket', async () => {
    runtime.kill('SIGTERM');
    const code = await exitOf(runtime);
    assert.equal(code, 0, runtimeOutput());
    assert.match(runtimeOutput(), /drained and stopped/);
    assert.ok(!existsSync(sock), 'socket removed');
    const gone = await ctl(['snapshot']);
    assert.equal(gone.code, 2);
  });

  it('without --socket: a per-workspace socket in a private per-user directory, found from the workspace', async () => {
    const xdg = join(dir, 'xdg');
    const { child, line } = await cli.start(['run', workspace], /listening on/, { XDG_RUNTIME_DIR: xdg });
    try {
      const uid = process.getuid?.() ?? 0;
      const path = new RegExp(`listening on (${xdg}/openrtc-${uid}/ws-[0-9a-f]{12}\\.sock)`).exec(line)?.[1];
      assert.ok(path, line);
      assert.equal(statSync(join(xdg, `openrtc-${uid}`)).mode & 0o777, 0o700);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      const snap = await cli.run(['snapshot', '--json'], { XDG_RUNTIME_DIR: xdg }, workspace);
      assert.equal(snap.code, 0, snap.stderr);
    } finally {
      child.kill('SIGINT');
      assert.equal(await exitOf(child), 0);
    }
  });
});
