// The bundled CLI end to end with isolation: `openrtc tenant isolate/restore`, `openrtc drain`
// with sessions in a tenant child, SIGTERM (drain, exit 0, no child left behind), and
// memory_limit_mb (drain, exit 1 so a supervisor restarts the worker). Real processes and sockets.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RuntimeSnapshot, StartCallsResult, TenantSnapshot } from '../../protocol/control';
import { BuiltCli, exitOf } from './cli-helpers';
import { buildTenantChild, sleep, waitFor } from './isolation-harness';

const FIXTURES = join(__dirname, '..', 'fixtures', 'isolation');

function workspace(config: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'openrtc-iso-cli-'));
  mkdirSync(join(dir, 'agents'));
  for (const f of ['slow-agent.ts', 'chatty-agent.ts'])
    writeFileSync(join(dir, 'agents', f), readFileSync(join(FIXTURES, f)));
  writeFileSync(join(dir, 'openrtc.json'), JSON.stringify(config));
  return dir;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test(
  'openrtc CLI: tenant isolate/restore, drain with a tenant child, SIGTERM, memory_limit_mb',
  { timeout: 120_000 },
  async (t) => {
    const cli = new BuiltCli('isolation-cli');
    buildTenantChild('cli', ['cli'], cli.dir);
    const dirs: string[] = [];
    t.after(() => {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
      cli.remove();
    });

    await t.test('isolate, restore, bad input, drain and SIGTERM', async () => {
      const ws = workspace({ tenant_config: { acme: {} } });
      dirs.push(ws);
      const sock = join(ws, 'rt.sock');
      const ctl = (args: string[]) => cli.run([...args, '--socket', sock]);
      const { child } = await cli.start(['run', ws, '--socket', sock, '--drain-timeout', '20'], /listening on/);
      try {
        const bad = await ctl(['tenant', 'isolate', 'nobody']);
        assert.equal(bad.code, 1);
        assert.match(bad.stderr, /unknown tenant 'nobody'/);
        const invalid = await ctl(['tenant', 'isolate', 'no way']);
        assert.equal(invalid.code, 2);
        const notIsolated = await ctl(['tenant', 'restore', 'acme']);
        assert.equal(notIsolated.code, 1);
        assert.match(notIsolated.stderr, /tenant 'acme' is not isolated/);

        const iso = await ctl(['tenant', 'isolate', 'acme', '--json']);
        assert.equal(iso.code, 0, iso.stderr);
        const tenant = JSON.parse(iso.stdout) as TenantSnapshot;
        assert.equal(tenant.isolation, 'process');
        const pid = tenant.process!.pid!;
        assert.ok(alive(pid));
        const human = await ctl(['tenant', 'isolate', 'acme']);
        assert.match(human.stdout, new RegExp(`tenant acme: isolation process \\(pid ${pid}\\)`));

        // Three slow calls in the child and one on the shared loop; then drain.
        const turns = ['--say', 'a', '--say', 'b', '--say', 'c', '--say', 'd'];
        const calls = ctl(['call', 'slow', '--tenant', 'acme', ...turns, '--count', '3', '--json']);
        const shared = ctl(['call', 'slow', '--tenant', 'beta', ...turns, '--json']);
        let rows: RuntimeSnapshot['sessions'] = [];
        const deadline = Date.now() + 5000;
        while (rows.length < 4 && Date.now() < deadline) {
          rows = (JSON.parse((await ctl(['snapshot', '--json'])).stdout) as RuntimeSnapshot).sessions;
        }
        assert.deepEqual(rows.map((r) => `${r.tenant}:${r.isolation}`).sort(), [
          'acme:process',
          'acme:process',
          'acme:process',
          'beta:coroutine',
        ]);
        const drain = ctl(['drain', '--timeout', '20']);
        let draining = false;
        for (const until = Date.now() + 10_000; !draining && Date.now() < until;) {
          draining = (JSON.parse((await ctl(['snapshot', '--json'])).stdout) as RuntimeSnapshot).draining;
        }
        assert.equal(draining, true, 'draining in the snapshot');
        const refused = await ctl(['call', 'chatty', '--tenant', 'acme', '--say', 'hi', '--json']);
        assert.equal(refused.code, 1);
        assert.deepEqual((JSON.parse(refused.stdout) as StartCallsResult).rejected, { draining: 1 });
        const drained = await drain;
        assert.equal(drained.code, 0, drained.stderr);
        for (const r of [await calls, await shared]) {
          const result = JSON.parse(r.stdout) as StartCallsResult;
          assert.equal(result.succeeded, result.started, r.stdout);
        }
        assert.equal((JSON.parse((await ctl(['snapshot', '--json'])).stdout) as RuntimeSnapshot).active_sessions, 0);

        child.kill('SIGTERM');
        assert.equal(await exitOf(child), 0);
        await waitFor('the tenant child to be gone', () => !alive(pid), 5000);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    });

    await t.test('restore over the CLI moves new sessions back; the child stops', async () => {
      const ws = workspace({ tenant_isolation: { acme: 'process' } });
      dirs.push(ws);
      const sock = join(ws, 'rt.sock');
      const ctl = (args: string[]) => cli.run([...args, '--socket', sock]);
      const { child } = await cli.start(['run', ws, '--socket', sock], /listening on/);
      try {
        const before = JSON.parse((await ctl(['snapshot', '--json'])).stdout) as RuntimeSnapshot;
        const pid = before.tenants['acme']!.process!.pid!;
        const r = await ctl(['tenant', 'restore', 'acme', '--json']);
        assert.equal(r.code, 0, r.stderr);
        assert.equal((JSON.parse(r.stdout) as TenantSnapshot).isolation, 'coroutine');
        await waitFor('the child to stop', () => !alive(pid), 10_000);
        const call = await ctl(['call', 'chatty', '--tenant', 'acme', '--say', 'hi']);
        assert.equal(call.code, 0, call.stderr);
      } finally {
        child.kill('SIGKILL');
        await exitOf(child);
      }
    });

    await t.test('memory_limit_mb: drain, then exit 1', async () => {
      const ws = workspace({ memory_limit_mb: 1, memory_warn_mb: 0, metrics_interval_s: 0.25 });
      dirs.push(ws);
      const { child, output } = await cli.start(['run', ws, '--socket', join(ws, 'rt.sock')], /listening on/);
      const code = await Promise.race([exitOf(child), sleep(15_000).then(() => 'timeout')]);
      if (code === 'timeout') child.kill('SIGKILL');
      assert.equal(code, 1, output());
      assert.match(output(), /memory_limit_mb exceeded; drained, exiting 1/);
      const log = readFileSync(join(ws, '.openrtc', 'worker.jsonl'), 'utf8');
      assert.match(log, /worker RSS \d+ MB exceeded memory_limit_mb=1; draining/);
    });
  },
);
