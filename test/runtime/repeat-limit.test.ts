// Repeated records held back per key and window, and counted into the next one let through.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RepeatLimit } from '../../runtime/agents/livekit/repeat-limit';

describe('repeat limit', () => {
  it('lets `burst` records per key and window through, holds the rest, and counts them into the next window', () => {
    const limit = new RepeatLimit({ windowMs: 10_000, burst: 3, maxKeys: 10 });
    const first = Array.from({ length: 31 }, (_, i) => limit.admit('a', i * 32));
    assert.deepEqual(first.slice(0, 3), [0, 0, 0]);
    assert.ok(first.slice(3).every((x) => x === null));
    assert.equal(limit.admit('b', 500), 0, 'another key has its own window');
    assert.equal(limit.admit('a', 10_000), 28, 'the next window opens by telling how many were held back');
    assert.equal(limit.admit('a', 10_001), 0);
  });

  it('never holds back a record that repeats less often than the burst per window', () => {
    const limit = new RepeatLimit({ windowMs: 10_000, burst: 3, maxKeys: 10 });
    for (let t = 0; t < 120_000; t += 4000) assert.equal(limit.admit('per turn', t), 0);
  });

  it('remembers at most maxKeys keys, forgetting the oldest first', () => {
    const limit = new RepeatLimit({ windowMs: 10_000, burst: 1, maxKeys: 2 });
    limit.admit('a', 0);
    assert.equal(limit.admit('a', 1), null);
    limit.admit('b', 2);
    limit.admit('c', 3); // 'a' is forgotten: it starts a new window
    assert.equal(limit.admit('a', 4), 0);
    assert.equal(limit.admit('c', 5), null, 'a recent key is still remembered');
  });
});
