// The pure parts of attribution, in virtual time: pairing heartbeat blocks with watchdog
// samples, slow marks, CPU windows, lag windows, frame mapping through a real esbuild map.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { BlockMatcher, type BlockSample } from '../../runtime/attribution/block-matcher';
import { CpuWindow } from '../../runtime/attribution/cpu-window';
import { FrameMapper } from '../../runtime/attribution/frame-mapper';
import { LagWindow, percentile } from '../../runtime/attribution/lag-window';
import { SlowMarks } from '../../runtime/attribution/slow-marks';
import { bundleAgent, FIXTURES, lineOf } from './attribution-harness';

const at = (t: number, session: string | null) => ({
  at: t,
  scope: session ? { session_id: session, tenant: 't', agent_name: 'a' } : null,
  frames: [{ function: `fn_${session}`, file: '/a.ts', line: 1, column: 1 }],
});
const sample = (stamp: number, session: string | null, host = false, watchdogLateMs = 0): BlockSample => ({
  stamp,
  host,
  watchdogLateMs,
  detectedAfterMs: 55,
  samples: host ? [] : [at(stamp + 55, session)],
});

test('matcher pairs a block with its sample in either order, by stamp', () => {
  const m = new BlockMatcher(1000);
  assert.deepEqual(
    m.addBlock({ stamp: 10, blockedMs: 80.4, endedAt: 100, thresholdMs: 50, cpuMs: 1000, waitedForCoreMs: 0 }),
    [],
  );
  const [r1] = m.addSample(sample(10, 's1'), 101);
  assert.equal(r1?.session_id, 's1');
  assert.equal(r1?.blocked_ms, 80);
  assert.equal(r1?.attribution, 'session');
  assert.deepEqual(m.addSample(sample(20, null), 150), []);
  const [r2] = m.addBlock({
    stamp: 20,
    blockedMs: 200,
    endedAt: 160,
    thresholdMs: 50,
    cpuMs: 1000,
    waitedForCoreMs: 0,
  });
  assert.equal(r2?.attribution, 'outside');
  assert.equal(r2?.session_id, null);
});

test('matcher: a block without a sample is reported unattributed after the grace; a lone sample is dropped', () => {
  const m = new BlockMatcher(1000);
  m.addBlock({ stamp: 1, blockedMs: 70, endedAt: 100, thresholdMs: 50, cpuMs: 1000, waitedForCoreMs: 0 });
  m.addSample(sample(2, 's-x'), 100);
  assert.deepEqual(m.sweep(1099), []);
  const out = m.sweep(1100);
  assert.deepEqual(
    out.map((r) => [r.attribution, r.session_id]),
    [['unsampled', null]],
  );
  assert.deepEqual(
    m.addBlock({ stamp: 2, blockedMs: 60, endedAt: 1200, thresholdMs: 50, cpuMs: 1000, waitedForCoreMs: 0 }),
    [],
    'the stale sample for stamp 2 was dropped',
  );
});

test('matcher splits a stall made of two sessions back to back, and drops a short third', () => {
  const m = new BlockMatcher();
  // Stall from 0 to 150: s1 sampled at 55..60, s2 at 65..120, s3 at 125..145 (~25 ms: under 50).
  const samples = [at(55, 's1'), at(60, 's1'), at(65, 's2'), at(120, 's2'), at(125, 's3'), at(145, 's3')];
  m.addSample({ stamp: 0, host: false, watchdogLateMs: 0, detectedAfterMs: 55, samples }, 10);
  const reports = m.addBlock({
    stamp: 0,
    blockedMs: 150,
    endedAt: 150,
    thresholdMs: 50,
    cpuMs: 1000,
    waitedForCoreMs: 0,
  });
  assert.deepEqual(
    reports.map((r) => [r.session_id, r.blocked_ms, r.frames[0]?.function]),
    [
      ['s1', 63, 'fn_s1'],
      ['s2', 60, 'fn_s2'],
    ],
  );
});

test('matcher: a host stall blames nobody', () => {
  const m = new BlockMatcher();
  m.addSample(sample(5, null, true), 10);
  const [r] = m.addBlock({ stamp: 5, blockedMs: 90, endedAt: 20, thresholdMs: 50, cpuMs: 1000, waitedForCoreMs: 0 });
  assert.equal(r?.attribution, 'host');
  assert.equal(r?.session_id, null);
});

test('matcher: a late watchdog blames a session only if the main thread spent a threshold of CPU over the whole stall', () => {
  const m = new BlockMatcher();
  // Sampled inside s1, but the watchdog woke 40 ms late and the main thread used 20 ms of CPU in 300 ms: the host.
  m.addSample(sample(1, 's1', false, 40), 10);
  const [descheduled] = m.addBlock({
    stamp: 1,
    blockedMs: 300,
    endedAt: 400,
    thresholdMs: 50,
    cpuMs: 20,
    waitedForCoreMs: 0,
  });
  assert.deepEqual([descheduled?.attribution, descheduled?.session_id], ['host', null]);
  // Same lateness, but 150 ms of CPU over the stall (an early sample may have seen only 30): the code.
  m.addSample(sample(2, 's1', false, 40), 500);
  const [busy] = m.addBlock({
    stamp: 2,
    blockedMs: 300,
    endedAt: 900,
    thresholdMs: 50,
    cpuMs: 150,
    waitedForCoreMs: 0,
  });
  assert.deepEqual([busy?.attribution, busy?.session_id], ['session', 's1']);
});

test('matcher: a block the scheduler stretched past the threshold blames nobody; the same block on a quiet host blames its session', () => {
  const m = new BlockMatcher();
  // A 40 ms spin while the loop waited 25 ms for a core: 65 ms of wall time, 40 of the code's.
  m.addSample(sample(1, 's1', false), 10);
  const [stretched] = m.addBlock({
    stamp: 1,
    blockedMs: 65,
    endedAt: 100,
    thresholdMs: 50,
    cpuMs: 40,
    waitedForCoreMs: 25,
  });
  assert.deepEqual([stretched?.attribution, stretched?.session_id, stretched?.blocked_ms], ['host', null, 65]);
  // An 80 ms block that also waited 25 ms: still 55 ms of the code's own, so the session is named.
  m.addSample(sample(2, 's1', false), 200);
  const [slow] = m.addBlock({
    stamp: 2,
    blockedMs: 105,
    endedAt: 300,
    thresholdMs: 50,
    cpuMs: 80,
    waitedForCoreMs: 25,
  });
  assert.deepEqual([slow?.attribution, slow?.session_id, slow?.blocked_ms], ['session', 's1', 105]);
  assert.equal(slow?.own_ms, 80, 'its own length leaves out the 25 ms the loop waited for a core');
});

test("matcher: in a shared stall each segment's own length is its share less its part of the wait for a core", () => {
  const m = new BlockMatcher();
  // 200 ms of wall: s1 from 0 to ~100, s2 to the end; the loop waited 50 ms for a core over it.
  m.addSample(
    {
      stamp: 0,
      host: false,
      watchdogLateMs: 0,
      detectedAfterMs: 55,
      samples: [at(55, 's1'), at(95, 's1'), at(105, 's2'), at(190, 's2')],
    },
    200,
  );
  const reports = m.addBlock({
    stamp: 0,
    blockedMs: 200,
    endedAt: 200,
    thresholdMs: 50,
    cpuMs: 150,
    waitedForCoreMs: 50,
  });
  assert.deepEqual(
    reports.map((r) => [r.session_id, r.blocked_ms, r.own_ms]),
    [
      ['s1', 100, 75],
      ['s2', 100, 75],
    ],
  );
});

test('slow marks last 5 s after the last block and are forgotten with the session', () => {
  const marks = new SlowMarks();
  marks.record('s1', { blockedMs: 120, frames: [], at: 1000 });
  assert.deepEqual(marks.get('s1', 5999), { slow: true, blocked_ms_last: 120, blocked_frames: [] });
  assert.equal(marks.get('s1', 6000).slow, false);
  assert.equal(marks.get('s1', 6000).blocked_ms_last, 120, 'the last block stays on the row');
  marks.forget('s1');
  assert.equal(marks.get('s1', 2000).blocked_ms_last, null);
});

test('cpu window: shares over the recent window only, summing to at most 100', () => {
  const w = new CpuWindow(10_000);
  w.add({ from: 0, to: 1000, counts: { a: 90 }, outside: 0, idle: 10 });
  w.add({ from: 10_000, to: 11_000, counts: { a: 20, b: 60 }, outside: 10, idle: 10 });
  assert.deepEqual(
    [...w.shares(11_000)],
    [
      ['a', 20],
      ['b', 60],
    ],
    'the first bucket fell out of the window',
  );
  assert.deepEqual([...w.shares(30_000)], []);
});

test('lag window: percentiles over the current and previous window', () => {
  assert.equal(percentile([1, 2, 3, 4], 0.5), 2);
  assert.equal(percentile([], 0.99), 0);
  const lag = new LagWindow(1000, 0);
  for (let i = 0; i < 99; i++) lag.record(1, i);
  lag.record(600, 500);
  assert.deepEqual(lag.read(900), { p50_ms: 1, p99_ms: 1, max_ms: 600 });
  assert.equal(lag.read(1500).max_ms, 600, 'the previous window still counts');
  assert.equal(lag.read(3500).max_ms, 0, 'nothing recent');
});

test('frame mapper maps a bundle frame to the .ts line through the inline map, and passes others through', async () => {
  const source = join(FIXTURES, 'blocking-agent.ts');
  const bundle = await bundleAgent(source);
  const { readFileSync } = await import('node:fs');
  const code = readFileSync(bundle, 'utf8').split('\n');
  const bundleLine = code.findIndex((l) => l.includes('while (clocks.some(')) + 1;
  const mapper = new FrameMapper();
  const f = mapper.map({ function: 'spin', file: bundle, line: bundleLine, column: 3 });
  assert.deepEqual(f, { function: 'spin', file: source, line: lineOf(source, 'BLOCK-SPIN'), column: 3, mapped: true });
  assert.equal(mapper.map({ function: 'x', file: '/no/such/file.js', line: 3, column: 1 }).mapped, false);
  const memory = '/ws/agents/a.ts?v=7';
  assert.deepEqual(mapper.unknownScripts([{ function: 'spin', file: memory, line: bundleLine, column: 3 }]), [memory]);
  const tail = code.find((l) => l.startsWith('//# sourceMappingURL='))!.slice('//# sourceMappingURL='.length);
  mapper.register(memory, tail);
  assert.equal(
    mapper.map({ function: 'spin', file: memory, line: bundleLine, column: 3 }).line,
    lineOf(source, 'BLOCK-SPIN'),
  );
  mapper.register('/ws/bad.ts?v=1', 'data:application/json;base64,bm90IGpzb24=');
  assert.equal(
    mapper.map({ function: 'y', file: '/ws/bad.ts?v=1', line: 1, column: 1 }).mapped,
    false,
    'a malformed map is ignored',
  );
});
