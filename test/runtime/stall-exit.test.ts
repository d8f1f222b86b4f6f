// loop_stall_exit_s (issue 13 item 5): a session stuck in `while (true) {}` makes the runtime write
// a final record naming the block, flush its log and exit 75; `openrtc run` (supervising, as
// openrtc.json asks for a stall exit) restarts it with the tenant in process isolation, and the
// other tenants' calls are served again. The real built CLI, real processes, real socket.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectControl, type ControlClient } from '../../protocol/connect';
import { PROTOCOL_VERSION } from '../../protocol/control';
import { BuiltCli, exitOf } from './cli-helpers';

const cli = new BuiltCli('stall-exit');
const FINAL_RECORD =
  /^\[stall-exit\] the event loop has been blocked for 3\.\d s by session (SES_\w+) \(tenant spinco, agent forever\) at agents\/forever\.ts:7; loop_stall_exit_s reached: exiting with code 75; the restarted runtime runs tenant 'spinco' in process isolation/;

interface LogRecord {
  level: string;
  session_id: string | null;
  tenant: string | null;
  agent_name: string | null;
  message: string;
}

const records = (ws: string): LogRecord[] =>
  readFileSync(join(ws, '.openrtc/worker.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LogRecord);

async function connect(sock: string): Promise<ControlClient> {
  const c = await connectControl(sock, { clientName: 'stall-test', timeoutMs: 2000 });
  assert.equal(c.kind, 'openrtc');
  if (c.kind !== 'openrtc') throw new Error('not an openrtc runtime');
  return c.client;
}

/** Places one echo call for tenant calm; true when it succeeded (false on any error: the runtime may be restarting). */
async function calmCallSucceeds(sock: string): Promise<boolean> {
  try {
    const client = await connect(sock);
    try {
      const r = await client.request('startCalls', { agent: 'echo', tenant: 'calm', say: ['hi'] });
      return r.succeeded === 1;
    } finally {
      client.close();
    }
  } catch {
    return false;
  }
}

describe('loop_stall_exit_s: exit, restart with the tenant isolated, serve again', () => {
  let dir: string;
  before(() => {
    cli.build(['tenant-child']);
    dir = mkdtempSync(join(tmpdir(), 'orc-stall-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    cli.remove();
  });

  const workspace = (name: string): string => {
    const ws = join(dir, name);
    cpSync(join(__dirname, '..', 'fixtures', 'stall-workspace'), ws, { recursive: true });
    return ws;
  };

  it('unsupervised: final record on disk, exit code 75', { timeout: 60_000 }, async () => {
    const ws = workspace('alone');
    const sock = join(dir, 'alone.sock');
    const { child } = await cli.start(['run', ws, '--socket', sock, '--no-supervise'], /listening on/);
    try {
      assert.equal(await calmCallSucceeds(sock), true);
      const client = await connect(sock);
      // Not awaited: the runtime may stall before it answers, and then exits with the request open.
      void client
        .request('startCalls', { agent: 'forever', tenant: 'spinco', say: ['forever'], wait: false })
        .catch(() => undefined);
      const code = await Promise.race([exitOf(child), new Promise((r) => setTimeout(() => r('no exit'), 30_000))]);
      client.close();
      assert.equal(code, 75);
      const log = records(ws);
      const last = log.at(-1)!;
      assert.match(last.message, FINAL_RECORD);
      assert.deepEqual([last.level, last.tenant, last.agent_name], ['CRITICAL', 'spinco', 'forever']);
      assert.equal(last.session_id, FINAL_RECORD.exec(last.message)![1]);
      assert.match(last.message, /\n {4}at entry \(.*agents\/forever\.ts:7:\d+\)/);
      // Records written before the stall are on disk too (not lost in the log's batch).
      assert.ok(log.some((r) => r.tenant === 'calm' && /echo session for calm/.test(r.message)));
      assert.ok(log.some((r) => r.session_id === last.session_id && /session started/.test(r.message)));
      const memory = JSON.parse(readFileSync(join(ws, '.openrtc/isolated-tenants.json'), 'utf8')) as {
        tenants: Record<string, { reason: string }>;
      };
      assert.match(memory.tenants['spinco']!.reason, /^stall exit: the event loop has been blocked/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it(
    'supervised: restarted with spinco isolated, calm served again, restore undoes it',
    { timeout: 90_000 },
    async (t) => {
      const ws = workspace('supervised');
      const sock = join(dir, 'sup.sock');
      const { child, output } = await cli.start(['run', ws, '--socket', sock], /listening on/);
      try {
        assert.equal(await calmCallSucceeds(sock), true);
        const first = await connect(sock);
        const firstPid = (await first.request('hello', { client: 'stall-test', protocol_version: PROTOCOL_VERSION }))
          .pid;
        void first
          .request('startCalls', { agent: 'forever', tenant: 'spinco', say: ['forever'], wait: false })
          .catch(() => undefined);
        const stalledAt = Date.now();
        // Calls placed from the moment of the stall on, as a client would keep trying.
        let servedAt = 0;
        while (Date.now() - stalledAt < 40_000) {
          if (Date.now() - stalledAt > 3000 && (await calmCallSucceeds(sock))) {
            servedAt = Date.now();
            break;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
        first.close();
        assert.ok(servedAt > 0, `calm was never served again:\n${output()}`);
        t.diagnostic(`stall to serving again: ${servedAt - stalledAt} ms (stall exit after 3,000 ms)`);
        assert.match(output(), /openrtc run: the runtime exited with code 75 \(loop_stall_exit_s\); restarting in/);
        assert.equal(output().match(/listening on/g)?.length, 2);

        const client = await connect(sock);
        const hello = await client.request('hello', { client: 'stall-test', protocol_version: PROTOCOL_VERSION });
        assert.notEqual(hello.pid, firstPid);
        assert.notEqual(hello.pid, child.pid);
        const spinco = (await client.request('snapshot')).tenants['spinco'];
        assert.equal(spinco?.isolation, 'process');
        assert.match(spinco?.isolation_reason ?? '', /^stall exit: .* at agents\/forever\.ts:7$/);
        assert.ok(records(ws).some((r) => /\[stall-exit\] tenant 'spinco' stays in process isolation/.test(r.message)));

        const restored = await cli.run(['tenant', 'restore', 'spinco', '--socket', sock]);
        assert.equal(restored.code, 0, restored.stderr);
        assert.equal(existsSync(join(ws, '.openrtc/isolated-tenants.json')), false);
        // Restored, spinco has no state left in this runtime: it runs on the shared loop again.
        assert.notEqual((await client.request('snapshot')).tenants['spinco']?.isolation, 'process');
        client.close();

        child.kill('SIGTERM');
        assert.equal(await exitOf(child), 0);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
  );
});
