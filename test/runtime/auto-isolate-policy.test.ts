// tenant_auto_isolate's budget in virtual time: blocks of at least block_ms, `blocks` of them
// within window_s, per tenant.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AutoIsolatePolicy } from '../../runtime/policy/auto-isolate';
import { AutoIsolation } from '../../runtime/engine/auto-isolation';
import type { LoopBlockReport } from '../../runtime/loop-health/attribution-seam';

function rig() {
  let now = 0;
  const policy = new AutoIsolatePolicy({ block_ms: 200, blocks: 3, window_s: 60 }, { now: () => now });
  const frame = { function: 'spin', file: 'agents/spinner.ts', line: 4, column: 3 };
  const block = (tenant: string, ms: number, atS: number) => {
    now = atS * 1000;
    return policy.onBlock(tenant, { blocked_ms: ms, session_id: `S-${atS}`, frame });
  };
  return { policy, block };
}

describe('auto-isolate policy', () => {
  it('decides on the third block of ≥ 200 ms within 60 s, with the evidence', () => {
    const { block } = rig();
    assert.equal(block('spinco', 250, 1), null);
    assert.equal(block('spinco', 199, 2), null, 'under block_ms: not counted');
    assert.equal(block('spinco', 300, 30), null);
    const d = block('spinco', 210, 59);
    assert.ok(d);
    assert.deepEqual(
      d.evidence.map((e) => e.blocked_ms),
      [250, 300, 210],
    );
    assert.equal(
      d.reason,
      'blocked the shared event loop 3 times for ≥ 200 ms within 60 s (250 ms, 300 ms, 210 ms); last by session S-59 at agents/spinner.ts:4',
    );
  });

  it('forgets blocks older than the window, keeps tenants apart, and starts again after forget', () => {
    const { policy, block } = rig();
    block('a', 500, 0);
    block('a', 500, 10);
    assert.equal(block('a', 500, 61), null, 'the first block left the window');
    assert.equal(block('b', 500, 62), null, "another tenant's blocks do not count for a");
    assert.ok(block('a', 500, 62));
    policy.forget('a');
    assert.equal(block('a', 500, 63), null);
  });

  it('judges a block by its own length: a loop waiting for a core does not push a tenant over the budget', () => {
    let now = 0;
    const isolated: string[] = [];
    const engine = new AutoIsolation({
      clock: { now: () => now },
      rule: () => ({ block_ms: 200, blocks: 3, window_s: 60 }),
      isIsolated: (t) => isolated.includes(t),
      isolate: async (t) => isolated.push(t),
      log: () => undefined,
    });
    const frame = { function: 'spin', file: 'agents/spinner.ts', line: 4, column: 3 };
    const report = (tenant: string, blocked: number, own: number): LoopBlockReport => ({
      session_id: `S-${now}`,
      tenant,
      agent_name: 'spinner',
      blocked_ms: blocked,
      own_ms: own,
      frames: [frame],
    });
    // 90 ms spins the host stretched to 260 ms of wall time: never counted.
    for (let i = 0; i < 5; i++) {
      now = i * 1000;
      engine.onBlock(report('under', 260, 90));
    }
    assert.deepEqual(isolated, []);
    for (let i = 0; i < 3; i++) {
      now = 10_000 + i * 1000;
      engine.onBlock(report('offender', 320, 300));
    }
    assert.deepEqual(isolated, ['offender']);
    assert.match(engine.reasonOf('offender') ?? '', /3 times for ≥ 200 ms within 60 s \(300 ms, 300 ms, 300 ms\)/);
  });
});
