// The dashboard bench's A/B figures (bench/dashboard/ab.ts): ABBA order, per-round ratios paired
// whichever arm ran first, and the verdict: clean only with a loop that has room and a ratio within ±10 %.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { abbaOrder, summarizeAb, verdict, type Arm, type PhaseLag } from '../../bench/dashboard/ab';

const phase = (arm: Arm, p99_ms: number, elu = 0.3, runQueueMsPerS = 5): PhaseLag => ({
  arm,
  p50_ms: p99_ms / 4,
  p99_ms,
  max_ms: p99_ms * 2,
  elu,
  runQueueMsPerS,
});

describe('dashboard A/B figures', () => {
  it('runs the rounds A B, B A, A B', () => {
    assert.deepEqual(abbaOrder(3), ['A', 'B', 'B', 'A', 'A', 'B']);
    assert.deepEqual(abbaOrder(0), []);
  });

  it('pairs each round B over A whichever ran first, and reports the spread', () => {
    const ab = summarizeAb([
      phase('A', 10),
      phase('B', 11),
      phase('B', 9),
      phase('A', 10),
      phase('A', 20),
      phase('B', 20),
    ]);
    assert.deepEqual(ab.ratios, [1.1, 0.9, 1]);
    assert.equal(ab.ratioMedian, 1);
    assert.equal(ab.ratioMin, 0.9);
    assert.equal(ab.ratioMax, 1.1);
    assert.deepEqual(ab.p99, { A: 10, B: 11 });
    assert.equal(ab.clean, true);
  });

  it('is not clean when the ratio is off by more than 10 %, or the loop is saturated', () => {
    const off = summarizeAb([phase('A', 10), phase('B', 12), phase('B', 12), phase('A', 10)]);
    assert.equal(off.saturated, false);
    assert.equal(off.clean, false);
    const busy = summarizeAb([phase('A', 10, 0.9), phase('B', 10, 0.92)]);
    assert.equal(busy.ratioMedian, 1);
    assert.equal(busy.saturated, true);
    assert.equal(busy.clean, false);
  });

  it('says why an A/B is not clean: saturation, host contention, or the dashboard itself', () => {
    assert.match(verdict(summarizeAb([phase('A', 10), phase('B', 10.5)])), /^A\/B clean/);
    assert.match(verdict(summarizeAb([phase('A', 10, 0.9), phase('B', 10, 0.9)])), /saturated/);
    assert.match(
      verdict(summarizeAb([phase('A', 10, 0.3, 5), phase('B', 15, 0.3, 9)])),
      /differs by 50 %.*host CPU contention/,
    );
    assert.match(verdict(summarizeAb([phase('A', 10, 0.3, 5), phase('B', 15, 0.3, 5)])), /no more waiting for a CPU/);
  });
});
