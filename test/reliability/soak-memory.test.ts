// The soak's memory figures: windows after warm-up and at the end, medians for RSS, lowest
// readings for the live heap; a sawtooth alone must not read as growth, a rising floor must.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { heapFigures, readMemTrace, rssFigures } from '../../bench/soak/memory';

/** One reading per second for `seconds`, from `mb(t)`. */
const series = (seconds: number, mb: (t: number) => number) =>
  Array.from({ length: seconds }, (_, t) => ({ atMs: t * 1000, mb: mb(t) }));
/** A collection every 10 s: RSS climbs 100 → 145 MB and drops back. */
const sawtooth = (t: number): number => 100 + (t % 10) * 5;

test('a sawtooth with a flat floor is no growth, though two single readings differ by 40 %', () => {
  const samples = series(600, sawtooth);
  // Warm-up ends at 120 s (reading 100 MB), the run at 600 s; the final reading is at the top of a tooth.
  const r = rssFigures(samples, 120_000, 600_000, 140);
  assert.equal(r.windowS, 60);
  assert.equal(r.warmPointMb, 100);
  assert.equal(r.finalMb / r.warmPointMb, 1.4);
  assert.equal(r.warmMb, r.endMb, 'same median in both windows');
  assert.deepEqual([r.minMb, r.maxMb], [100, 145]);
});

test('a rising floor shows in the end window', () => {
  const r = rssFigures(
    series(600, (t) => sawtooth(t) + t / 10),
    120_000,
    600_000,
    0,
  );
  assert.ok(r.endMb - r.warmMb > 40, `${r.warmMb} → ${r.endMb}`);
});

test('short runs use a third of the traffic after warm-up as the window', () => {
  assert.equal(
    rssFigures(
      series(35, () => 1),
      10_000,
      35_000,
      1,
    ).windowS,
    8,
  );
});

test('the memory trace: live heap from the lowest heapUsed per window, bad lines refused with file:line', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'soak-memory-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'trace.jsonl');
  const t0 = 1_000_000;
  const lines = Array.from({ length: 120 }, (_, i) => ({
    wall_ms: t0 + i * 5000,
    rss_mb: 150,
    heap_total_mb: 60 + (i % 6) * 10,
    heap_used_mb: 20 + (i % 6) * 8 + (i >= 108 ? 3 : 0),
    external_mb: 2,
  }));
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const h = heapFigures(readMemTrace(file, t0), 120_000, 600_000);
  assert.deepEqual([h.usedLowWarmMb, h.usedLowEndMb], [20, 23]);
  assert.deepEqual([h.totalMinMb, h.totalMaxMb], [60, 110]);
  writeFileSync(file, '{"wall_ms": 1, "heap_used_mb": "x"}\n');
  assert.throws(
    () => readMemTrace(file, 0),
    /trace\.jsonl:1: expected wall_ms, heap_used_mb and heap_total_mb numbers/,
  );
  assert.deepEqual(readMemTrace(join(dir, 'absent.jsonl'), 0), [], 'no trace (probe not loaded): no figures');
});
