// Events carry the injected clock's wall time, not the machine's: with a clock set in 2001,
// every event the runtime and its session manager emit says 2001 (issue 11, item 7).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RuntimeEvent } from '../../protocol/control';
import { systemClock, type Clock } from '../../runtime/policy/clock';
import { Runtime } from '../../runtime/runtime';
import { BUSY_AGENT, makeWorkspace } from './engine-workspace';

const EPOCH_2001 = Date.UTC(2001, 0, 1);

/** Real timers, and a wall clock that started on 1 January 2001. */
const clock2001: Clock = {
  now: () => systemClock.now(),
  wallTime: () => EPOCH_2001 + systemClock.now(),
  setTimer: (delayMs, fn) => systemClock.setTimer(delayMs, fn),
};

describe('event timestamps', () => {
  it('come from the injected clock for sessions, rejections, config reloads and drain', async () => {
    const ws = makeWorkspace(
      { 'agents/short.ts': BUSY_AGENT('short', 20) },
      { max_sessions_per_tenant: { closed: 0 } },
    );
    const rt = await Runtime.start({ workspaceDir: ws.dir, watch: false, clock: clock2001 });
    const events: RuntimeEvent[] = [];
    rt.onEvent((e) => events.push(e));
    try {
      await rt.startCalls({ agent: 'short', tenant: 'acme', count: 1, wait: true });
      await rt.startCalls({ agent: 'short', tenant: 'closed', count: 1, wait: true });
      await rt.reloadConfig();
      await rt.drain({ timeout_s: 0.5 });
    } finally {
      await rt.stop();
      ws.cleanup();
    }
    const types = new Set(events.map((e) => e.type));
    for (const t of ['session_started', 'session_ended', 'rejected', 'config_reloaded', 'draining'] as const) {
      assert.ok(types.has(t), `a ${t} event was emitted (saw ${[...types].join(', ')})`);
    }
    for (const e of events) assert.match(e.ts, /^2001-01-/, `${e.type} stamped ${e.ts}`);
  });
});
