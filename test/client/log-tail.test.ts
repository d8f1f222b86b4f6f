import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LogTail } from '../../client/logs/log-tail';
import type { LogRecord, LogsResult } from '../../protocol/control';

const record = (message: string): LogRecord => ({
  timestamp: '2026-11-29T12:00:00.000Z',
  level: 'INFO',
  session_id: 's1',
  agent_name: 'reception',
  tenant: 'acme',
  logger: 'agent',
  message,
});
const reply = (messages: string[], endOffset: number, skipped = 0): LogsResult => ({
  records: messages.map(record),
  skipped_lines: skipped,
  end_offset: endOffset,
});

describe('log tail (what a following log view shows)', () => {
  it('fills from the first reply, appends later ones, and asks from where the last reply ended', () => {
    const tail = new LogTail(100);
    assert.equal(tail.nextOffset, undefined);
    assert.equal(tail.apply(reply(['one', 'two'], 200)), true);
    assert.equal(tail.nextOffset, 200);
    assert.equal(tail.apply(reply([], 260)), false, 'nothing new for this view (other tenants wrote)');
    assert.equal(tail.nextOffset, 260);
    assert.equal(tail.apply(reply(['three'], 330, 1)), true);
    assert.deepEqual(
      tail
        .text()
        .trimEnd()
        .split('\n')
        .map((l) => l.replace(/^.*agent: /, '')),
      ['one', 'two', 'three'],
    );
    assert.equal(tail.skippedLines, 1);
    assert.equal(tail.recordCount, 3);
  });

  it('keeps only the newest records', () => {
    const tail = new LogTail(3);
    tail.apply(reply(['a', 'b'], 10));
    tail.apply(reply(['c', 'd', 'e'], 20));
    assert.deepEqual(
      tail
        .text()
        .trimEnd()
        .split('\n')
        .map((l) => l.replace(/^.*agent: /, '')),
      ['c', 'd', 'e'],
    );
  });

  it('starts over when the runtime read a replaced file from the top', () => {
    const tail = new LogTail(10);
    tail.apply(reply(['old'], 500));
    assert.equal(tail.apply(reply([], 120)), true, 'the old lines are gone');
    assert.equal(tail.text(), '');
    tail.apply(reply(['new'], 200));
    assert.match(tail.text(), /agent: new\n$/);
  });
});
