// Two policies the issue says apply to agents-js sessions unchanged: the windowed CPU share names
// the session whose tool burns the loop (not its quiet neighbour), and idle tenants beyond
// `retainedTenants` are folded with their totals kept.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Runtime } from '../../runtime/runtime';
import { sleep } from './attribution-harness';
import { startAttributedRuntime } from './attributed-runtime';
import { makeAgentsJsWorkspace, stockAgent } from './agents-js-workspace';

// 60 ms of CPU per tool call for one tenant: well under the slow threshold, so it is load, not a block.
const BURNING_TOOL = `if (getJobContext().job.metadata.includes('"tenant":"burnco"')) {
      const until = Date.now() + 60;
      while (Date.now() < until);
    }`;

describe('agents-js sessions: CPU share and tenant folding', () => {
  it('the CPU share is the burning session’s, not its quiet neighbour’s', async (t) => {
    const ws = makeAgentsJsWorkspace(
      { 'agents/assistant.ts': stockAgent({ agentName: 'assistant', inTool: BURNING_TOOL }) },
      { slow_session_threshold_ms: 1000, max_concurrent_sessions: 10 },
    );
    const { rt } = await startAttributedRuntime(t, ws);
    await rt.startCalls({ agent: 'assistant', tenant: 'warmup', say: ['your hours?'] });
    const turns = Array.from({ length: 60 }, () => 'your hours?');
    const calls = ['burnco', 'calmco'].map((tenant) =>
      rt.startCalls({ agent: 'assistant', tenant, say: turns, think_ms: 15 }),
    );
    const best: Record<string, number> = { burnco: 0, calmco: 0 };
    let live = true;
    void Promise.all(calls).then(() => (live = false));
    while (live) {
      for (const row of rt.snapshot().sessions) {
        if (row.tenant in best) best[row.tenant] = Math.max(best[row.tenant] ?? 0, row.cpu_pct);
      }
      await sleep(200);
    }
    const results = await Promise.all(calls);
    assert.deepEqual(
      results.map((r) => r.succeeded),
      [1, 1],
    );
    t.diagnostic(`best cpu_pct seen: ${JSON.stringify(best)}`);
    assert.ok((best['burnco'] ?? 0) >= 5, `burnco's share ${JSON.stringify(best)}`);
    assert.ok((best['burnco'] ?? 0) > 2 * (best['calmco'] ?? 0), `shares ${JSON.stringify(best)}`);
  });

  it('idle agents-js tenants beyond the retained count are folded, their totals kept', async (t) => {
    const ws = makeAgentsJsWorkspace(
      { 'agents/assistant.ts': stockAgent({ agentName: 'assistant' }) },
      { max_concurrent_sessions: 10 },
    );
    const rt = await Runtime.start({ workspaceDir: ws.dir, watch: false, retainedTenants: 2 });
    t.after(async () => {
      await rt.stop();
      ws.cleanup();
    });
    const tenants = ['t1', 't2', 't3', 't4', 't5'];
    for (const tenant of tenants) {
      const r = await rt.startCalls({ agent: 'assistant', tenant, say: ['hi'] });
      assert.equal(r.succeeded, 1, tenant);
    }
    const snap = rt.snapshot();
    const kept = Object.keys(snap.tenants).filter((n) => tenants.includes(n));
    assert.ok(kept.length <= 2 + 1, `kept ${kept.join(', ')}`); // the limit, plus the one just seen
    assert.ok(snap.folded_tenants.tenants >= tenants.length - kept.length, JSON.stringify(snap.folded_tenants));
    const startedKept = kept.reduce((sum, n) => sum + (snap.tenants[n]?.started ?? 0), 0);
    assert.equal(startedKept + snap.folded_tenants.started, tenants.length, 'every session is counted once');
    assert.ok(kept.includes('t5'), 'the most recent tenant is kept');
  });
});
