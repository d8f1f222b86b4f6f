// The "Start test calls" command's request: text by default, voice when chosen.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CALL_MODE_ITEMS, testCallParams } from '../../client/commands/test-call-params';

describe('test call params', () => {
  const answers = { agent: ' concierge ', tenant: 'harbor-hotel', turns: 'Hello| a double room |', count: 25 };

  it('a text call: trimmed turns, at most 10 at once, no voice', () => {
    assert.deepEqual(testCallParams({ ...answers, mode: 'text' }), {
      agent: 'concierge',
      tenant: 'harbor-hotel',
      say: ['Hello', 'a double room'],
      count: 25,
      concurrency: 10,
    });
  });

  it('a voice call asks the runtime for voice', () => {
    assert.equal(testCallParams({ ...answers, mode: 'voice' }).voice, true);
    assert.deepEqual(
      CALL_MODE_ITEMS.map((i) => i.mode),
      ['text', 'voice'],
    );
  });
});
