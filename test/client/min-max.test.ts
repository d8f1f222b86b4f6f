// The charts' reduction to what pixel columns can show: spikes and dips kept, order kept, bounded
// output, and nothing done to a range that already fits.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { minMaxPerColumn, type Aligned } from '../../client/dashboard/webview/min-max';

const hour = (f: (i: number) => number | null): Aligned => {
  const t = Array.from({ length: 3600 }, (_, i) => 1000 + i);
  return { t, ys: [t.map((_, i) => f(i))] };
};

describe('minMaxPerColumn', () => {
  it('leaves a range with no more points than twice the columns as it is', () => {
    const five = { t: [1, 2, 3, 4], ys: [[5, 6, null, 8]] };
    assert.equal(minMaxPerColumn(five, 1, 4, 2), five);
    const fiveMinutes = hour((i) => i).t.slice(0, 300);
    const a = { t: fiveMinutes, ys: [fiveMinutes] };
    assert.equal(minMaxPerColumn(a, 1000, 1300, 800), a);
  });

  it('keeps a one-second spike and a one-second dip of an hour drawn 800 px wide', () => {
    const a = hour((i) => (i === 1234 ? 50 : i === 2345 ? -7 : 3));
    const r = minMaxPerColumn(a, 1000, 4600, 800);
    assert.ok(r.t.length <= 1600, `${r.t.length} points`);
    assert.ok(r.t.length < a.t.length);
    const y = r.ys[0] as (number | null)[];
    assert.equal(Math.max(...(y as number[])), 50);
    assert.equal(Math.min(...(y as number[])), -7);
    assert.equal(y.filter((v) => v === 50).length, 1);
  });

  it('keeps a step (a cap change) at its column, and null where a column has no value', () => {
    const a = hour((i) => (i < 1800 ? 10 : i < 2000 ? null : 20));
    const r = minMaxPerColumn(a, 1000, 4600, 100);
    const y = r.ys[0] as (number | null)[];
    const firstTwenty = y.indexOf(20);
    assert.ok(y.slice(0, firstTwenty).every((v) => v === 10 || v === null));
    assert.ok(y.slice(firstTwenty).every((v) => v === 20));
    assert.ok(y.includes(null));
  });

  it('for any input: times in order and from the input, at most two per column, min and max of each series kept in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: -1000, max: 1000 }), { nil: null }), { minLength: 1, maxLength: 400 }),
        fc.integer({ min: 1, max: 150 }),
        (values, columns) => {
          const t = values.map((_, i) => i * 2);
          const a: Aligned = { t, ys: [values, values.map((v) => (v === null ? null : -v))] };
          const r = minMaxPerColumn(a, 0, Math.max(1, t.length * 2), columns);
          assert.ok(r.t.length <= Math.max(a.t.length, 0) && (r === a || r.t.length <= 2 * columns));
          for (let i = 1; i < r.t.length; i++) assert.ok((r.t[i] as number) >= (r.t[i - 1] as number));
          for (const x of r.t) assert.ok(t.includes(x));
          for (const [s, y] of r.ys.entries()) {
            assert.equal(y.length, r.t.length);
            const present = (a.ys[s] as (number | null)[]).filter((v): v is number => v !== null);
            const kept = y.filter((v): v is number => v !== null);
            if (present.length === 0) continue;
            assert.equal(Math.max(...kept), Math.max(...present));
            assert.equal(Math.min(...kept), Math.min(...present));
            // In the order they came: the kept values are the input's, read left to right.
            let j = 0;
            for (const v of kept) {
              while (j < present.length && present[j] !== v) j++;
              assert.ok(j < present.length, `${v} out of order`);
            }
          }
        },
      ),
    );
  });
});
