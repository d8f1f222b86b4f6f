// agents-js's process-wide logger as the runtime fills it: records land with their session, and
// a record one session repeats faster than 5 in 10 s (a per-frame warning) is held back before
// pino builds it, the next one let through saying how many were not logged.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Logger } from 'pino';
import { installAgentsLogger, routeAgentsLogs } from '../../runtime/agents/livekit/agents-logger';
import type { Clock } from '../../runtime/policy/clock';
import { sessionStorage } from '../../runtime/session/scope';

const clock: Clock & { t: number } = {
  t: 0,
  now() {
    return this.t;
  },
  wallTime() {
    return this.t;
  },
  setTimer: () => ({ cancel: () => undefined }),
};

describe('agents-js logger', () => {
  it("holds back one session's flood of a repeated warning, not another session's records or other messages", () => {
    installAgentsLogger('info', clock);
    const got: { level: string; session: string | undefined; message: string }[] = [];
    const stop = routeAgentsLogs({
      write: (level, scope, _logger, message) => got.push({ level, session: scope?.sessionId, message }),
    });
    const logger = (globalThis as Record<symbol, unknown>)[Symbol.for('@livekit/agents:logger')] as Logger;
    const inSession = (id: string, fn: () => void): void =>
      sessionStorage.run({ sessionId: id, tenant: 't', agentName: 'a' }, fn);
    try {
      inSession('s1', () => {
        for (let i = 0; i < 31; i++) logger.child({ delay: i }).warn('VAD inference is slower than realtime');
        logger.info({ turn: 1 }, 'playout completed');
      });
      inSession('s2', () => logger.warn('VAD inference is slower than realtime'));
      const s1 = got.filter((r) => r.session === 's1');
      assert.equal(s1.filter((r) => r.message === 'VAD inference is slower than realtime').length, 5);
      assert.deepEqual(s1.at(-1), { level: 'info', session: 's1', message: 'playout completed' });
      assert.equal(got.filter((r) => r.session === 's2').length, 1);
      clock.t = 10_000;
      inSession('s1', () => logger.warn('VAD inference is slower than realtime'));
      assert.equal(
        got.at(-1)?.message,
        'VAD inference is slower than realtime (26 more like it in this session were not logged)',
      );
    } finally {
      stop();
    }
  });
});
