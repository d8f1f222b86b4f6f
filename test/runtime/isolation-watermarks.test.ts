// Worker RSS watermarks (issue 5, with isolation): memory_warn_mb warns once per crossing and
// re-arms below it; memory_limit_mb logs and asks for a drain once; 0 turns a band off. The CLI
// side (drain, then `openrtc run` exits 1) is in isolation-cli.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogLevel } from '../../runtime/log-writer/log';
import { MemoryWatermark } from '../../runtime/loop-health/memory-watermark';

function watch(): { w: MemoryWatermark; lines: [LogLevel, string][]; drains: () => number } {
  const lines: [LogLevel, string][] = [];
  let drains = 0;
  const w = new MemoryWatermark(
    (level, message) => lines.push([level, message]),
    () => drains++,
  );
  return { w, lines, drains: () => drains };
}

test('memory_warn_mb: once per crossing, re-armed below', () => {
  const { w, lines, drains } = watch();
  for (const rss of [500, 1200, 1300, 1250, 900, 1100, 1100]) w.check(rss, 1000, 0);
  assert.deepEqual(lines, [
    ['warn', 'worker RSS 1200 MB crossed memory_warn_mb=1000'],
    ['warn', 'worker RSS 1100 MB crossed memory_warn_mb=1000'],
  ]);
  assert.equal(drains(), 0);
});

test('memory_limit_mb: one error and one drain, whatever follows', () => {
  const { w, lines, drains } = watch();
  for (const rss of [900, 1600, 1700, 100, 1800]) w.check(rss, 1000, 1500);
  assert.deepEqual(
    lines.map(([level, m]) => [level, m.replace(/\d+ MB exceeded/, 'N MB exceeded')]),
    [['error', 'worker RSS N MB exceeded memory_limit_mb=1500; draining so the worker can be restarted']],
  );
  assert.equal(drains(), 1);
});

test('0 turns a band off', () => {
  const { w, lines, drains } = watch();
  for (const rss of [10_000, 20_000]) w.check(rss, 0, 0);
  assert.deepEqual([lines.length, drains()], [0, 0]);
});
