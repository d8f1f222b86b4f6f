import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DashboardFeed } from '../../client/dashboard/feed';
import { checkWebviewMessage } from '../../client/dashboard/webview-input';
import type { RuntimeEvent } from '../../protocol/control';
import { sortedJson } from '../../runtime/events/metrics-file';
import { snapshot, tenant } from './fixtures';

const T0 = Date.parse('2026-11-29T12:00:00.000Z');
const started = (ms: number, id: string): RuntimeEvent => ({
  type: 'session_started',
  ts: new Date(ms).toISOString(),
  session_id: id,
  tenant: 'acme',
  agent_name: 'a',
});
const line = (kind: string, payload: object, ms: number): string =>
  sortedJson({ schema_version: 1, kind, seq: 1, wall_time_unix: ms / 1000, payload });

describe('dashboard feed: history, then live', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openrtc-feed-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the file, drops live events the file already held, replays those that waited', async () => {
    const file = join(dir, 'metrics.jsonl');
    writeFileSync(
      file,
      [
        line('snapshot', { ...snapshot({ acme: tenant({ active: 1 }) }), timestamp: T0 / 1000 }, T0),
        line('event', started(T0 + 1000, 's1'), T0 + 1000),
        '{"half a line',
      ].join('\n'),
    );
    const feed = new DashboardFeed();
    const loading = feed.loadHistory(file);
    feed.event(started(T0 + 1000, 's1')); // the same event, also on the socket: counted once
    feed.event(started(T0 + 2000, 's2')); // newer than the file: kept
    const result = await loading;
    assert.deepEqual(result, { lines: 3, skipped: 1, problem: null });
    const counts = feed.model.tenants.get('acme')?.started;
    assert.deepEqual(
      [...(counts ?? [])],
      [
        [T0 / 1000 + 1, 1],
        [T0 / 1000 + 2, 1],
      ],
    );
    feed.event(started(T0 + 3000, 's3'));
    assert.equal(feed.model.tenants.get('acme')?.started.size, 3);
  });

  it('says why when the file cannot be read, and goes live anyway', async () => {
    const feed = new DashboardFeed();
    feed.event(started(T0, 's1'));
    const result = await feed.loadHistory(join(dir, 'missing.jsonl'));
    assert.match(result.problem ?? '', /cannot read .*missing\.jsonl: ENOENT/);
    assert.equal(feed.model.tenants.get('acme')?.started.size, 1);
  });
});

describe('webview messages are checked', () => {
  it('accepts the known shapes and refuses the rest with a reason', () => {
    assert.deepEqual(checkWebviewMessage({ type: 'setTenant', tenant: '' }), {
      ok: true,
      message: { type: 'setTenant', tenant: null },
    });
    assert.deepEqual(checkWebviewMessage({ type: 'openSource', file: '/a.ts', line: 3 }), {
      ok: true,
      message: { type: 'openSource', file: '/a.ts', line: 3, column: 1 },
    });
    const bad: [unknown, RegExp][] = [
      [null, /without a type/],
      [{ type: 'setRange', range: '2d' }, /unknown range "2d"/],
      [{ type: 'setTenant', tenant: 3 }, /neither a name nor null/],
      [{ type: 'openSource', file: 'rel.ts', line: 1 }, /not absolute/],
      [{ type: 'openSource', file: '/a.ts', line: 0 }, /line is not 1 or more/],
      [{ type: 'png', dataUrl: 'data:text/html,<script>' }, /not a PNG/],
      [{ type: 'runShell' }, /unknown message type "runShell"/],
    ];
    for (const [value, why] of bad) {
      const r = checkWebviewMessage(value);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.why, why);
    }
  });
});
