// Per-session CPU shares against a known split: four sessions burning 6:2:1:0.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LoopAttribution } from '../../runtime/attribution/loop-attribution';
import { sessionStorage } from '../../runtime/session/scope';
import { burn } from '../fixtures/attribution/cpu-workload';
import { sleep } from './attribution-harness';

test('cpu_pct follows a 6:2:1:0 split within 5 points and sums to at most 100', async () => {
  // A high threshold: these 6 ms rounds are not blocks, and the test is about CPU.
  const engine = new LoopAttribution({ thresholdMs: 500, cpuSampleMs: 5, cpuWindowMs: 10_000 });
  await engine.start();
  let stop = false;
  const split = { 'cpu-a': 6, 'cpu-b': 2, 'cpu-c': 1, 'cpu-d': 0 } as const;
  const runs = Object.entries(split).map(([id, units]) =>
    sessionStorage.run({ sessionId: id, tenant: `t-${id}`, agentName: 'burner' }, () =>
      units === 0
        ? (async () => {
            while (!stop) await sleep(5);
          })()
        : burn(units, 1, () => stop),
    ),
  );
  await sleep(3200);
  stop = true;
  await Promise.all(runs);
  await sleep(1100); // the worker flushes its counts once a second
  const pct = Object.fromEntries(Object.keys(split).map((id) => [id, engine.sessionState(id).cpu_pct]));
  await engine.stop();

  const total = Object.values(pct).reduce((a, b) => a + b, 0);
  assert.ok(total <= 100 && total > 50, `sum ${total}: ${JSON.stringify(pct)}`);
  const unitSum = 9;
  for (const [id, units] of Object.entries(split)) {
    const share = (100 * (pct[id] ?? 0)) / total;
    const expected = (100 * units) / unitSum;
    assert.ok(
      Math.abs(share - expected) <= 5,
      `${id}: share ${share.toFixed(1)} vs ${expected.toFixed(1)} (${JSON.stringify(pct)})`,
    );
  }
});
