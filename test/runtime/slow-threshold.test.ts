// The slow-session threshold in force (runtime/engine/slow-threshold.ts), through a real runtime
// with real attribution: openrtc.json's value applies at start and on reload until an operator
// sets one (`setSlowThreshold`), which then outlives reloads; a bad value changes nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ControlError, type SetSlowThresholdParams } from '../../protocol/control';
import { startAttributedRuntime } from './attributed-runtime';
import { HOLD_AGENT, makeWorkspace } from './engine-workspace';

test('the operator’s slow threshold outlives config reloads; the file’s applies until then', async (t) => {
  const config = (ms: number): string => JSON.stringify({ slow_session_threshold_ms: ms });
  const ws = makeWorkspace({ 'agents/hold.ts': HOLD_AGENT('hold', 10) }, config(100));
  const { rt, engine } = await startAttributedRuntime(t, ws);
  assert.equal(engine.thresholdMs, 100, 'the file’s threshold at start');

  ws.write('openrtc.json', config(200));
  assert.deepEqual(await rt.reloadConfig(), { ok: true, error: null });
  assert.equal(engine.thresholdMs, 200, 'a reload applies the file’s new threshold');

  rt.setSlowThreshold({ threshold_ms: 300 });
  assert.equal(engine.thresholdMs, 300);
  assert.throws(
    () => rt.setSlowThreshold({ threshold_ms: 0 }),
    (err: unknown) => err instanceof ControlError && /threshold_ms/.test(err.message),
  );
  assert.throws(() => rt.setSlowThreshold({} as SetSlowThresholdParams), ControlError);
  assert.equal(engine.thresholdMs, 300, 'refused params change nothing');

  ws.write('openrtc.json', config(400));
  assert.deepEqual(await rt.reloadConfig(), { ok: true, error: null });
  assert.equal(engine.thresholdMs, 300, 'the operator’s setting outlives the reload');

  const log = (await rt.logs({})).records.map((r) => r.message);
  assert.ok(log.includes('slow_session_threshold_ms set to 300'), JSON.stringify(log));
  assert.equal(log.filter((m) => m === '[config] reloaded; caps and breaker settings applied').length, 2);
});
