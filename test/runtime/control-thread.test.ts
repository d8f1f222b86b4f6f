// During a 6 s loop block in one tenant's session, the control socket still answers: the real
// built CLI runs a runtime on a fixture workspace (spinner: each caller turn is the ms to spin),
// and the operator's tools are driven against it mid-block, over the real socket.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { ErrorCodes, ControlError } from '../../protocol/control';
import { connectControl, type ControlClient } from '../../protocol/connect';
import { BuiltCli, exitOf } from './cli-helpers';

const cli = new BuiltCli('control-thread');
const SPIN_MS = 6000;
const BLOCK_LINE =
  /the event loop has been blocked for \d+\.\d s by session \S+ \(tenant spinco, agent spinner\) at agents\/spinner\.ts:4/;

describe('control thread: the runtime answers during a loop block', () => {
  let dir: string;
  let sock: string;
  let runtime: ChildProcessWithoutNullStreams;
  let client: ControlClient;
  const ctl = (args: string[]) => cli.run([...args, '--socket', sock]);

  /** Starts a spin of `ms` in a spinco session and resolves once the control thread sees the block. */
  const startBlock = async (ms: number): Promise<void> => {
    await client.request('startCalls', { agent: 'spinner', tenant: 'spinco', say: [String(ms)], wait: false });
    for (let i = 0; i < 100; i++) {
      const snap = await client.request('snapshot');
      if (snap.loop?.sampled) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail('the block was never seen');
  };
  const blockOver = async (): Promise<void> => {
    for (let i = 0; i < 400; i++) {
      if (!(await client.request('snapshot')).loop) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  before(async () => {
    cli.build();
    dir = mkdtempSync(join(tmpdir(), 'orc-ctl-thread-'));
    const workspace = join(dir, 'ws');
    cpSync(join(__dirname, '..', 'fixtures', 'block-workspace'), workspace, { recursive: true });
    sock = join(dir, 'rt.sock');
    runtime = (await cli.start(['run', workspace, '--socket', sock, '--drain-timeout', '2'], /listening on/)).child;
    const connection = await connectControl(sock, { clientName: 'test' });
    assert.equal(connection.kind, 'openrtc');
    client = connection.client;
  });
  after(async () => {
    client?.close();
    if (runtime && runtime.exitCode === null) {
      runtime.kill('SIGKILL');
      await exitOf(runtime);
    }
    rmSync(dir, { recursive: true, force: true });
    cli.remove();
  });

  it('hello and snapshot answer within 100 ms, naming the blocking session and its line', async () => {
    await startBlock(SPIN_MS);
    const times: number[] = [];
    let named = null;
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      const fresh = await connectControl(sock, { clientName: 'test-during-block', timeoutMs: 1000 });
      assert.equal(fresh.kind, 'openrtc');
      if (fresh.kind !== 'openrtc') return;
      const snap = await fresh.client.request('snapshot');
      times.push(performance.now() - t0);
      fresh.client.close();
      named = snap.loop ?? named;
    }
    assert.ok(named, 'the snapshot carries the live block');
    assert.equal(named.tenant, 'spinco');
    assert.equal(named.agent_name, 'spinner');
    assert.match(named.session_id ?? '', /\S/);
    const frame = named.frames.find((f) => f.file.endsWith('agents/spinner.ts'));
    assert.equal(frame?.line, 4, `frames: ${JSON.stringify(named.frames)}`);
    // Connect + hello + snapshot, each on a fresh connection; generous for a loaded 2-core host.
    assert.ok(Math.max(...times) < 100, `hello+snapshot times during the block: ${times.map((t) => t.toFixed(1))}`);
    await blockOver();
  });

  it('openrtc snapshot prints the block and exits 0; top --once shows it in its header', async () => {
    await startBlock(SPIN_MS);
    const snap = await ctl(['snapshot']);
    assert.equal(snap.code, 0, snap.stderr);
    assert.match(snap.stdout, BLOCK_LINE);
    assert.doesNotMatch(snap.stdout + snap.stderr, /no runtime/);
    const top = await ctl(['top', '--once']);
    assert.equal(top.code, 0, top.stderr);
    assert.match(top.stdout, BLOCK_LINE);
    await blockOver();
  });

  it('tenant cap with a 1 s bound fails naming the block and changes nothing; a bound past the block applies', async () => {
    await startBlock(4000);
    const t0 = performance.now();
    const short = await ctl(['tenant', 'cap', 'acme', '3', '--wait', '1']);
    const took = performance.now() - t0;
    assert.equal(short.code, 1, `exit 1 (failed), got ${short.code}: ${short.stdout}${short.stderr}`);
    assert.match(short.stderr, /setTenantCap not applied after waiting 1000 ms: /);
    assert.match(short.stderr, BLOCK_LINE);
    assert.ok(took < 3000, `the bound is kept (${took.toFixed(0)} ms)`);
    const long = await ctl(['tenant', 'cap', 'acme', '3', '--wait', '20', '--json']);
    assert.equal(long.code, 0, long.stderr);
    assert.equal(JSON.parse(long.stdout).cap, 3);
    await blockOver();
  });

  it('an expired request is never applied after the block', async () => {
    await client.request('setTenantCap', { tenant: 'acme', cap: 9 });
    await startBlock(2500);
    await assert.rejects(
      client.request('setTenantCap', { tenant: 'acme', cap: 1, loop_wait_ms: 200 }),
      (e: unknown) => e instanceof ControlError && e.code === ErrorCodes.LoopBlocked,
    );
    await blockOver();
    const snap = await client.request('snapshot');
    assert.equal(snap.tenants.acme?.cap, 9, 'the cap the caller was told was not applied is not applied');
  });

  it("a sibling's calls placed during a spin are admitted and complete after the block", async () => {
    await startBlock(3000);
    const calls = await Promise.all(
      [1, 2, 3].map(() => ctl(['call', 'echo', '--tenant', 'acme', '--say', 'hi', '--json'])),
    );
    for (const r of calls) {
      assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
      assert.doesNotMatch(r.stderr, /no runtime/);
      assert.equal(JSON.parse(r.stdout).succeeded, 1);
    }
  });
});
