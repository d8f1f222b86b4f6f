// The child runs the same loop monitor and attribution as the parent: a block inside an isolated
// tenant's session reaches the parent as a slow_session event with the agent's .ts line, a slow
// session row (blocked ms, frames, CPU share) and a [slow-session] line in the one log file, and
// the child's own loop lag shows on its tenant in the snapshot.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RuntimeEvent, SessionRow } from '../../protocol/control';
import { lineOf } from './attribution-harness';
import { isolatedRuntimeFor, sleep } from './isolation-harness';

test(
  'a loop block in an isolated tenant shows in the parent: event, slow row, log, child loop lag',
  { timeout: 60_000 },
  async (t) => {
    const blocker = readFileSync(join(__dirname, '..', 'fixtures', 'isolation', 'block-agent.ts'), 'utf8');
    const { runtime, ws } = await isolatedRuntimeFor(
      t,
      'attr',
      { 'agents/blocker.ts': blocker },
      { slow_session_threshold_ms: 50, tenant_isolation: { acme: 'process' } },
    );
    const agentFile = join(ws.dir, 'agents', 'blocker.ts');
    const events: Extract<RuntimeEvent, { type: 'slow_session' }>[] = [];
    runtime.onEvent((e) => e.type === 'slow_session' && events.push(e));

    // Block 300 ms, then keep the call open (think time) so the row can be read while it is live.
    const call = runtime.startCalls({
      agent: 'blocker',
      tenant: 'acme',
      say: ['300', '1', '1', '1'],
      think_ms: 400,
      wait: true,
    });
    let row: SessionRow | undefined;
    for (const until = Date.now() + 10_000; Date.now() < until && !(row?.status === 'slow'); await sleep(20)) {
      row = runtime.sessions().find((r) => r.tenant === 'acme');
    }
    const result = await call;
    assert.equal(result.succeeded, 1);
    assert.ok(row, 'the isolated session is in the parent rows');
    assert.equal(row.session_id, result.sessions[0]);
    assert.equal(row.isolation, 'process');
    assert.equal(row.status, 'slow');
    assert.ok(row.blocked_ms_last !== null && row.blocked_ms_last >= 250, `blocked_ms_last ${row.blocked_ms_last}`);
    // The top frames may be inside Date.now's caller or the spin; the agent's lines must be there.
    const rowFrames = (row.blocked_frames ?? []).map((f) => `${f.file}:${f.line}`);
    assert.ok(rowFrames.includes(`${agentFile}:${lineOf(agentFile, 'BLOCK-SPIN')}`), rowFrames.join(' | '));

    const e = events.find((x) => x.session_id === result.sessions[0]);
    assert.ok(e, 'slow_session event from the child');
    assert.equal(e.tenant, 'acme');
    const eventFrames = e.frames.map((f) => `${f.function}@${f.line}`);
    for (const want of [`spin@${lineOf(agentFile, 'BLOCK-SPIN')}`, `entry@${lineOf(agentFile, 'BLOCK-CALL')}`])
      assert.ok(eventFrames.includes(want), `${want} in ${eventFrames.join(' | ')}`);
    const lag = runtime.snapshot().tenants['acme']?.process?.loop_lag;
    assert.ok(lag && lag.max_ms >= 250, `child loop lag ${JSON.stringify(lag)}`);
    const { records } = await runtime.logs({});
    assert.ok(
      records.some((r) =>
        r.message.startsWith(`[slow-session] session_id=${result.sessions[0]} blocked event loop for`),
      ),
      'the [slow-session] line is in the log',
    );
  },
);
