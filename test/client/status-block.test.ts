// The status bar during a loop block: the control thread's live block names who blocks and for
// how long; yellow from the first report, red past BLOCK_RED_MS.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LoopBlockState } from '../../protocol/loop-block';
import { TreeModel } from '../../client/model/tree-model';
import { BLOCK_RED_MS, summarise } from '../../client/model/status-summary';
import { session, snapshot, tenant } from './fixtures';

const block = (ms: number): LoopBlockState => ({
  since_ms: 0,
  blocked_ms: ms,
  session_id: 'SES_1',
  tenant: 'spinco',
  agent_name: 'spinner',
  frames: [{ function: 'spin', file: '/ws/agents/spinner.ts', line: 4, column: 3 }],
  sampled: true,
});

describe('status bar and worker node during a loop block', () => {
  it('names the blocker and its line, red once the block passes the threshold', () => {
    const m = new TreeModel();
    m.addWorker('/s', 'ws', 'bundled');
    m.applySnapshot('/s', {
      ...snapshot({ spinco: tenant({ active: 1 }) }, [session('a', 'spinco')]),
      loop: block(400),
    });
    const early = summarise(m.allWorkers());
    assert.equal(early.text, '$(watch) OpenRTC: loop blocked 0.4 s by spinco/spinner at agents/spinner.ts:4');
    assert.match(
      early.tooltip,
      /^the event loop has been blocked for 0\.4 s by session SES_1 \(tenant spinco, agent spinner\) at \/ws\/agents\/spinner\.ts:4\n/,
    );
    assert.deepEqual([early.warning, early.error], [true, false]);
    assert.deepEqual(early.blamedLine, { file: '/ws/agents/spinner.ts', line: 4 }, 'a click opens the line');
    assert.match(early.tooltip, /Click to open agents\/spinner\.ts:4\.$/);
    m.applySnapshot('/s', { ...snapshot({ spinco: tenant({ active: 1 }) }), loop: block(BLOCK_RED_MS + 3200) });
    assert.equal(summarise(m.allWorkers()).error, true);
    assert.equal(m.roots(Date.now())[0]?.icon.color, 'errorForeground', 'the worker node turns red too');
    m.applySnapshot('/s', { ...snapshot({ spinco: tenant({ active: 1 }) }), loop: null });
    assert.match(summarise(m.allWorkers()).text, /^\$\(pulse\)/, 'back to the figures once the loop runs');
  });
});

describe('status bar link to the blamed line', () => {
  const summaryWith = (loop: LoopBlockState) => {
    const m = new TreeModel();
    m.addWorker('/s', 'ws', 'bundled');
    m.applySnapshot('/s', { ...snapshot({ spinco: tenant({ active: 1 }) }), loop });
    return summarise(m.allWorkers());
  };

  it("drops a hot-reloaded module's version query, so the link is a file on disk", () => {
    const frames = [{ function: 'spin', file: '/ws/agents/spinner.ts?v=3', line: 9, column: 1 }];
    assert.deepEqual(summaryWith({ ...block(300), frames }).blamedLine, { file: '/ws/agents/spinner.ts', line: 9 });
  });

  it('no link for a block no session owns, or with only library frames: a click opens the view', () => {
    assert.equal(summaryWith({ ...block(300), session_id: null, tenant: null, agent_name: null }).blamedLine, null);
    const lib = [{ function: 'parse', file: '/ws/node_modules/x/index.js', line: 1, column: 1 }];
    const s = summaryWith({ ...block(300), frames: lib });
    assert.equal(s.blamedLine, null);
    assert.match(s.tooltip, /Click to open the OpenRTC view\.$/);
    assert.equal(summaryWith({ ...block(300), frames: [], sampled: false }).blamedLine, null);
  });
});

describe('tenant node of an auto-isolated tenant', () => {
  it('says auto-isolated, with the reason in the tooltip', () => {
    const m = new TreeModel();
    m.addWorker('/s', 'ws', 'bundled');
    const reason =
      'auto-isolated: blocked the shared event loop 3 times for ≥ 200 ms within 60 s (250 ms, 300 ms, 210 ms)';
    m.applySnapshot('/s', snapshot({ spinco: tenant({ isolation: 'process', isolation_reason: reason }) }));
    const [worker] = m.roots(Date.now());
    const [spinco] = m.children(worker, Date.now());
    assert.match(spinco?.description ?? '', /auto-isolated/);
    assert.ok(spinco?.tooltip.includes(reason));
  });
});
