// `openrtc top`'s trend line: sparklines of loop lag and the selected tenant's active sessions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTopArgs } from '../../runtime/cli/top-args';
import { sparkline, TopTrend } from '../../runtime/cli/top-sparkline';
import { renderLines } from '../../runtime/cli/top-view';
import { poolSnapshot } from './top-fixtures';

test('values scale to the eight Unicode blocks, zero to the lowest', () => {
  assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7]), '▁▂▃▄▅▆▇█');
  assert.equal(sparkline([0, 0, 0]), '▁▁▁');
  assert.equal(sparkline([5, 10]), '▅█');
  assert.equal(sparkline([]), '');
});

test('the trend follows the selected tenant and keeps to its capacity', () => {
  const trend = new TopTrend(3);
  const tenantName = Object.keys(poolSnapshot.tenants)[0] as string;
  for (let i = 0; i < 5; i++) {
    const tenants = { ...poolSnapshot.tenants, [tenantName]: { ...poolSnapshot.tenants[tenantName]!, active: i } };
    trend.push({
      ...poolSnapshot,
      tenants,
      active_sessions: 10 + i,
      loop_lag: { p50_ms: 1, p99_ms: i * 10, max_ms: 50 },
    });
  }
  assert.equal(trend.line(tenantName), `lag p99 ▅▆█ 40.0ms · ${tenantName} active ▅▆█ 4`);
  assert.equal(trend.line(null), 'lag p99 ▅▆█ 40.0ms · all tenants active ▇██ 14');
  assert.equal(trend.line('nobody'), 'lag p99 ▅▆█ 40.0ms · nobody active ▁▁▁ 0');
  assert.equal(new TopTrend().line(null), '');
});

test('the live screen shows the trend under the header, cut to the width like every line', () => {
  const top = { source: 'openrtc' as const, label: 'x', snapshot: poolSnapshot, unknown: [] };
  const trend = new TopTrend();
  trend.push(poolSnapshot);
  const lines = renderLines(top, parseTopArgs([]), 30, true, trend.line(null));
  assert.match(lines[3] ?? '', /^lag p99 █ /);
  assert.ok(lines.every((l) => l.length <= 30));
  assert.equal(
    renderLines(top, parseTopArgs([]), 200, false).length + 1,
    renderLines(top, parseTopArgs([]), 200, false, 'x').length,
  );
});
