// A 300 ms synchronous block inside an agents-js tool function, among other tenants' agents-js
// sessions on the same loop: reported for the right session, at the right line of the agent file.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { lineOf, sleep } from './attribution-harness';
import { sessionBlocks, startAttributedRuntime } from './attributed-runtime';
import { makeAgentsJsWorkspace, stockAgent } from './agents-js-workspace';

const BLOCKING_TOOL = `if (getJobContext().job.metadata.includes('"tenant":"slowco"')) {
      const until = Date.now() + 300;
      while (Date.now() < until); // BLOCK-IN-TOOL
    }`;

test('a 300 ms block inside a tool is reported for its session at the line in the agent file', async (t) => {
  const ws = makeAgentsJsWorkspace(
    { 'agents/assistant.ts': stockAgent({ agentName: 'assistant', inTool: BLOCKING_TOOL }) },
    { slow_session_threshold_ms: 100, max_concurrent_sessions: 50 },
  );
  const { rt } = await startAttributedRuntime(t, ws);
  // Warm-up: agents-js loads code lazily on first use, itself a block inside the first session.
  await rt.startCalls({ agent: 'assistant', tenant: 'warmup', say: ['your hours?', 'a'] });
  await sleep(200);
  const events = sessionBlocks(rt);
  const quiet = ['bravo', 'charlie'].map((tenant) =>
    rt.startCalls({ agent: 'assistant', tenant, say: ['your hours?', 'a', 'b'] }),
  );
  const slow = await rt.startCalls({ agent: 'assistant', tenant: 'slowco', say: ['your hours?', 'a', 'b'] });
  await Promise.all(quiet);
  await sleep(300);
  assert.equal(slow.succeeded, 1);
  const file = join(ws.dir, 'agents/assistant.ts');
  const line = lineOf(file, 'BLOCK-IN-TOOL');
  // A loaded host can stretch other sessions' turns past the threshold too (reported for them,
  // rightly); the tool's block must be reported, and only ever for its own session.
  const atTool = events.filter((e) => e.frames.some((f) => f.file === file && f.line === line));
  assert.ok(atTool.length >= 1, JSON.stringify(events, null, 1));
  for (const e of atTool) {
    assert.deepEqual([e.session_id, e.tenant, e.agent_name], [slow.sessions[0], 'slowco', 'assistant']);
    assert.ok(e.blocked_ms >= 250, `blocked ${e.blocked_ms} ms`);
  }
});
