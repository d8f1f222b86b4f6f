import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RuntimeEvent } from '../../protocol/control';
import { ObservedBlocks, observedMessage } from '../../client/model/observed-blocks';
import { TreeModel } from '../../client/model/tree-model';
import { summarise } from '../../client/model/status-summary';
import { session, snapshot, tenant } from './fixtures';

const slow = (ms: number, file: string, line: number, sessionId = 's1'): RuntimeEvent => ({
  type: 'slow_session',
  ts: '2026-11-29T12:00:00.000Z',
  session_id: sessionId,
  tenant: 'acme',
  agent_name: 'reception',
  blocked_ms: ms,
  frames: [
    { function: 'spin', file: '/ext/dist/cli.js', line: 7, column: 100 },
    { function: 'entry', file, line, column: 5 },
  ],
});

describe('runtime-observed blocking lines', () => {
  it('keeps the worst block per user source line and counts repeats, skipping runtime frames', () => {
    const blocks = new ObservedBlocks((f) => f.startsWith('/ws/'));
    assert.equal(blocks.add(slow(120, '/ws/agents/a.ts', 12)), '/ws/agents/a.ts');
    blocks.add(slow(600, '/ws/agents/a.ts', 12, 's2'));
    blocks.add(slow(80, '/ws/agents/a.ts', 30));
    const found = blocks.forFile('/ws/agents/a.ts');
    assert.deepEqual(
      found.map((b) => [b.line, b.worstMs, b.times]),
      [
        [12, 600, 2],
        [30, 80, 1],
      ],
    );
    assert.equal(
      observedMessage(found[0]!),
      'Observed blocking the event loop for 600 ms at run time, 2 times (last: session s2, tenant acme). Every tenant on this loop stalls while it runs.',
    );
    assert.deepEqual(blocks.forFile('/ext/dist/cli.js'), []);
  });

  it('maps hot-reloaded module paths (agents/x.ts?v=3) back to the file', () => {
    const blocks = new ObservedBlocks((f) => f.startsWith('/ws/'));
    assert.equal(blocks.add(slow(90, '/ws/agents/a.ts?v=3', 7)), '/ws/agents/a.ts');
    assert.deepEqual(
      blocks.forFile('/ws/agents/a.ts').map((b) => b.line),
      [7],
    );
  });

  it('ignores events without a user frame and other event types', () => {
    const blocks = new ObservedBlocks((f) => f.startsWith('/ws/'));
    assert.equal(blocks.add(slow(100, '/elsewhere/x.ts', 1)), null);
    assert.equal(blocks.add({ type: 'breaker_closed', ts: 'x', tenant: 'acme' }), null);
  });
});

describe('status bar summary', () => {
  it('says stopped, disconnected with the reason, or the live figures', () => {
    const m = new TreeModel();
    assert.match(summarise(m.allWorkers()).text, /stopped/);
    m.addWorker('/s', 'ws', 'bundled');
    m.setDisconnected('/s', 'connection refused');
    assert.deepEqual(
      [summarise(m.allWorkers()).text, summarise(m.allWorkers()).tooltip],
      ['$(debug-disconnect) OpenRTC: disconnected', 'connection refused'],
    );
    m.applySnapshot(
      '/s',
      snapshot(
        {
          acme: tenant({ active: 2 }),
          globex: tenant({
            breaker: {
              enabled: true,
              state: 'open',
              failures: 3,
              samples: 3,
              retry_at: null,
              cooldown_s: 30,
              times_opened: 1,
            },
          }),
        },
        [session('a', 'acme'), session('b', 'acme')],
      ),
    );
    const s = summarise(m.allWorkers());
    assert.equal(s.text, '$(pulse) 2 · lag 4ms · $(error) 1 open');
    assert.equal(s.warning, true);
  });
});
