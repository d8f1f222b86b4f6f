// bench/density's search for the largest N whose loop p99 lag stays within the goal.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextSize, searchState, type SizeOutcome } from '../../bench/density/search';
import { percentile, sessionsPerGbRatio, summarizeLag } from '../../bench/density/stats';

const limits = { goalP99Ms: 20, maxN: 400, resolution: 5 };
const run = (p99: (n: number) => number, start: readonly number[]): SizeOutcome[] => {
  const outcomes: SizeOutcome[] = start.map((n) => ({ n, p99Ms: p99(n) }));
  for (let next = nextSize(outcomes, limits); next !== null; next = nextSize(outcomes, limits))
    outcomes.push({ n: next, p99Ms: p99(next) });
  return outcomes;
};

test('bisects between the largest pass and the smallest failure to the resolution', () => {
  // p99 crosses 20 ms between 61 and 62 sessions.
  const outcomes = run((n) => (n <= 61 ? 5 : 40), [10, 25, 50, 100]);
  const { largestPass, smallestFailAbove } = searchState(outcomes, 20);
  assert.ok(largestPass <= 61 && largestPass >= 56, `largest pass ${largestPass}`);
  assert.ok(smallestFailAbove! - largestPass <= 5);
  assert.deepEqual(
    outcomes.slice(4).map((o) => o.n),
    [75, 63, 57, 60],
  );
});

test('doubles past the last passing size up to the cap, and stops there', () => {
  const outcomes = run(() => 1, [10, 25, 50, 100]);
  assert.deepEqual(
    outcomes.slice(4).map((o) => o.n),
    [200, 400],
  );
  assert.equal(searchState(outcomes, 20).largestPass, 400);
});

test('a smaller size failing after a larger one passed (host noise) is not taken as the bound', () => {
  const outcomes: SizeOutcome[] = [
    { n: 10, p99Ms: 3 },
    { n: 25, p99Ms: 45 },
    { n: 50, p99Ms: 12 },
    { n: 100, p99Ms: 80 },
  ];
  assert.deepEqual(searchState(outcomes, 20), { largestPass: 50, smallestFailAbove: 100 });
  assert.equal(nextSize(outcomes, limits), 75);
});

test('when even the smallest size fails, the largest N is 0 and the search halves towards 1', () => {
  const outcomes = run(() => 99, [10]);
  assert.equal(searchState(outcomes, 20).largestPass, 0);
  assert.deepEqual(
    outcomes.map((o) => o.n),
    [10, 5],
  );
});

test('percentiles are nearest-rank; the ratio charges the shared side its whole RSS', () => {
  const xs = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(xs, 50), 50);
  assert.equal(percentile(xs, 99), 99);
  assert.deepEqual(summarizeLag([3, 1, 2]), { samples: 3, p50_ms: 2, p99_ms: 3, max_ms: 3 });
  assert.ok(Number.isNaN(percentile([], 50)));
  // 100 sessions in 250 MB against 230 MB per job child: 92× more sessions per GB.
  assert.equal(Math.round(sessionsPerGbRatio(250, 100, 230)), 92);
});
