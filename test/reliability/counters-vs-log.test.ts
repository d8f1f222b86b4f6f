// The snapshot's counters must equal the counts derived from the log (issue 7): every failure the
// runtime counts has a record saying so. These are the soak's miscount made small: an isolated
// tenant's child SIGKILLed with sessions in flight and kept down while new sessions wait for it,
// and a shared-loop agent whose entry rejects after the runtime ended its session.
import assert from 'node:assert/strict';
import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkLogCompleteness, compareCounters } from '../../bench/soak/log-check';
import type { RuntimeEvent } from '../../protocol/control';
import { Runtime } from '../../runtime/runtime';
import { makeWorkspace } from '../runtime/engine-workspace';
import { buildTenantChild, startIsolatedRuntime, waitFor } from '../runtime/isolation-harness';

const CHATTY = readFileSync(join(__dirname, '..', 'fixtures', 'isolation', 'chatty-agent.ts'), 'utf8');

/** Runs a test body against a runtime, then checks its counters against its own log. */
async function countersMatchLog(runtime: Runtime, events: RuntimeEvent[]): Promise<void> {
  await runtime.logs({}); // flushes the log batch
  const log = await checkLogCompleteness(runtime.logFile, events);
  assert.deepEqual(log.missing, [], 'every session has one start and one end record');
  assert.deepEqual(compareCounters(runtime.snapshot(), log), []);
}

test(
  'an isolated child SIGKILLed with sessions in flight, then kept down: counters equal the log',
  { timeout: 90_000 },
  async (t) => {
    const build = buildTenantChild('counters');
    const ws = makeWorkspace({ 'agents/chatty.ts': CHATTY }, { tenant_isolation: { victim: 'process' } });
    const away = `${build.childFile}.away`;
    let rt: Runtime | undefined;
    t.after(async () => {
      await rt?.stop();
      ws.cleanup();
      build.remove();
    });
    // Short grace, so sessions waiting for a child that is down are ended by the parent long before
    // their wait for it times out (start timeout + longest backoff = 3.2 s).
    rt = await startIsolatedRuntime(
      ws.dir,
      build,
      { callScript: { replyTimeoutMs: 5000, hangUpGraceMs: 300 } },
      { startTimeoutMs: 3000, backoff: { initialMs: 100, maxMs: 200 } },
    );
    const runtime = rt;
    // The runtime's restart and grace timers are unref'd (in `openrtc run` the socket keeps the
    // process up); here nothing else would while sessions wait for the child.
    const keepAlive = setInterval(() => undefined, 1000);
    t.after(() => clearInterval(keepAlive));
    const events: RuntimeEvent[] = [];
    t.after(runtime.onEvent((e) => events.push(e)));

    // 1. Six sessions live in the child (ten turns 300 ms apart) when it is killed.
    const pid = runtime.snapshot().tenants['victim']!.process!.pid!;
    const inFlight = runtime.startCalls({
      agent: 'chatty',
      tenant: 'victim',
      count: 6,
      concurrency: 6,
      say: Array(10).fill('there?'),
      think_ms: 300,
    });
    await waitFor(
      '6 sessions in the child',
      () => runtime.sessions().filter((r) => r.tenant === 'victim' && r.isolation === 'process').length === 6,
    );
    process.kill(pid, 'SIGKILL');
    const a = await inFlight;
    assert.deepEqual([a.started, a.failed], [6, 6], JSON.stringify(a));
    await waitFor('the child back', () => runtime.snapshot().tenants['victim']?.process?.state === 'ready');

    // 2. The child is killed and cannot come back (its program is gone) while callers keep calling:
    // those sessions wait for it, their callers hang up, the parent ends them after the grace.
    renameSync(build.childFile, away);
    const pid2 = runtime.snapshot().tenants['victim']!.process!.pid!;
    process.kill(pid2, 'SIGKILL');
    await waitFor('the child down', () => runtime.snapshot().tenants['victim']?.process?.state !== 'ready');
    const waiting = await runtime.startCalls({
      agent: 'chatty',
      tenant: 'victim',
      count: 6,
      concurrency: 6,
      wait: true,
    });
    assert.equal(waiting.started, 6, JSON.stringify(waiting));
    // Longer than those sessions' wait for a ready child could last.
    await new Promise((r) => setTimeout(r, 4500));
    renameSync(away, build.childFile);
    await waitFor(
      'the child back again',
      () => runtime.snapshot().tenants['victim']?.process?.state === 'ready',
      30_000,
    );
    const after = await runtime.startCalls({ agent: 'chatty', tenant: 'victim', count: 3, say: ['back?'], wait: true });
    assert.equal(after.succeeded, 3, JSON.stringify(after));

    await countersMatchLog(runtime, events);
    assert.equal(
      runtime.snapshot().tenants['victim']!.failures,
      6,
      'only the sessions live in the killed child failed',
    );
  },
);

test(
  'an entry that rejects after the runtime ended its session: counted once and logged',
  { timeout: 30_000 },
  async (t) => {
    const stubborn = `
import { defineAgent } from 'openrtc';
export default defineAgent({
  name: 'stubborn',
  async entry() {
    await new Promise((resolve) => setTimeout(resolve, 500)); // ignores hang-up
    throw new Error('gave up after the caller left');
  },
});
`;
    const ws = makeWorkspace({ 'agents/stubborn.ts': stubborn }, {});
    const runtime = await Runtime.start({ workspaceDir: ws.dir, watch: false, callScript: { hangUpGraceMs: 100 } });
    t.after(async () => {
      await runtime.stop();
      ws.cleanup();
    });
    const events: RuntimeEvent[] = [];
    t.after(runtime.onEvent((e) => events.push(e)));
    const call = await runtime.startCalls({ agent: 'stubborn', tenant: 'acme', count: 2, wait: true });
    assert.deepEqual([call.started, call.succeeded], [2, 2], 'ended by the grace timer');
    await waitFor('the late failures', () => runtime.snapshot().tenants['acme']?.failures === 2, 10_000);
    const { records } = await runtime.logs({ session_id: call.sessions[0]! });
    assert.ok(
      records.some((r) =>
        /^entryRejection after the session ended: Error: gave up after the caller left/.test(r.message),
      ),
      JSON.stringify(records.map((r) => r.message)),
    );
    await countersMatchLog(runtime, events);
  },
);

test(
  'a late error from an isolated session past the late-error window is logged, not counted',
  { timeout: 60_000 },
  async (t) => {
    const build = buildTenantChild('late-window');
    const ws = makeWorkspace(
      { 'agents/late.ts': readFileSync(join(__dirname, '..', 'fixtures', 'isolation', 'late-agent.ts'), 'utf8') },
      { tenant_isolation: { acme: 'process' } },
    );
    let rt: Runtime | undefined;
    t.after(async () => {
      await rt?.stop();
      ws.cleanup();
      build.remove();
    });
    // The agent's timer throws 200 ms after its session ended; the window is 20 ms.
    rt = await startIsolatedRuntime(ws.dir, build, {}, { lateErrorWindowMs: 20 });
    const runtime = rt;
    const events: RuntimeEvent[] = [];
    t.after(runtime.onEvent((e) => events.push(e)));
    const call = await runtime.startCalls({ agent: 'late', tenant: 'acme', wait: true });
    assert.equal(call.succeeded, 1);
    const id = call.sessions[0]!;
    await waitFor('the late error reported', () => {
      void runtime.logs({}); // flushes the log batch before the file is read
      return readFileSync(runtime.logFile, 'utf8').includes(`from session ${id}, which ended over 0.02 s ago`);
    });
    const { records } = await runtime.logs({});
    const line = records.find((r) => r.message.includes(`from session ${id}`));
    assert.match(
      line?.message ?? '',
      /tenant 'acme' process reported uncaughtException from session \S+, which ended over 0\.02 s ago or is unknown; not counted: Error: thrown after the session ended/,
    );
    assert.equal(runtime.snapshot().tenants['acme']?.failures, 0);
    await countersMatchLog(runtime, events);
  },
);
