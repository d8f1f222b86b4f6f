// The pure side of `openrtc top`: key cycles, uptime text, width limits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTopArgs } from '../../runtime/cli/top-args';
import { durationWords } from '../../protocol/wording';
import { cycleSort, cycleStatus, cycleTenant, renderLines } from '../../runtime/cli/top-view';
import { poolSnapshot, row } from './top-fixtures';

test('s and f cycle through every sort key and status filter and wrap around', () => {
  const sorts = ['cpu_pct'] as ReturnType<typeof cycleSort>[];
  for (let i = 0; i < 6; i++) sorts.push(cycleSort(sorts[sorts.length - 1]!));
  assert.deepEqual(sorts, ['cpu_pct', 'duration_s', 'mem_mb', 'agent_name', 'session_id', 'tenant', 'cpu_pct']);
  assert.deepEqual(
    [cycleStatus('all'), cycleStatus('active'), cycleStatus('slow'), cycleStatus('failed')],
    ['active', 'slow', 'failed', 'all'],
  );
});

test('t cycles all → each tenant → all, and restarts when the tenant vanished', () => {
  let t: string | null = null;
  const seen: (string | null)[] = [];
  for (let i = 0; i < 4; i++) seen.push((t = cycleTenant(t, poolSnapshot)));
  assert.deepEqual(seen, ['acme', 'bistro', 'clinic', null]);
  assert.equal(cycleTenant('gone', poolSnapshot), 'acme');
});

test('uptime and width', () => {
  assert.deepEqual([durationWords(59), durationWords(3725), durationWords(90061)], ['59s', '1h02m', '1d01h']);
  const lines = renderLines(
    { source: 'openrtc', label: 'x', snapshot: poolSnapshot, unknown: [] },
    parseTopArgs([]),
    40,
    true,
  );
  assert.ok(
    lines.every((l) => l.length <= 40),
    lines.join('\n'),
  );
});

test('the session column shows a whole runtime id, and the distinct end of a longer one', () => {
  const ids = [
    'SES_a2666b9f000003',
    'job-7f3e2d1c-4b5a-4e6f-9a8b-000000000001',
    'job-7f3e2d1c-4b5a-4e6f-9a8b-000000000002',
  ];
  const snapshot = { ...poolSnapshot, sessions: ids.map((id) => row(id, 'acme', 'dental')) };
  const text = renderLines({ source: 'openrtc', label: 'x', snapshot, unknown: [] }, parseTopArgs([]), 200, false).join(
    '\n',
  );
  assert.match(text, /^SES_a2666b9f000003 /m);
  assert.match(text, /^…9a8b-000000000001 /m);
  assert.match(text, /^…9a8b-000000000002 /m);
});
