// The watchdog thread. It watches the main loop's heartbeat; when the loop has been stuck
// past the threshold it asks the main thread, through the inspector, who is running and
// where (the probe runs inside a V8 interrupt, so it sees the blocked code). It also samples
// which session the loop is running every few ms, for per-session CPU shares.
// Note: a pending inspector `post` does not keep a worker alive; the timer below does.
import { Session } from 'node:inspector';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { FrameMapper } from './frame-mapper';
import {
  BLOCK_PROBE_GLOBAL,
  SCRIPT_MAPS_PROBE_GLOBAL,
  RUNNING_PROBE_GLOBAL,
  STALL_EXIT_GLOBAL,
  Slot,
  type BlockProbeResult,
  type BlockSampleWire,
  type LiveStallMessage,
  type MainMessage,
  type RunningProbeResult,
  type StallExitWire,
  type WatchdogMessage,
  type WorkerInit,
} from './messages';

const port = parentPort;
if (!port) throw new Error('watchdog-worker: must run as a worker thread');
const init = workerData as WorkerInit;
const shared = new Float64Array(init.buffer);
const mapper = new FrameMapper();
const inspector = new Session();
inspector.connectToMainThread();

const send = (msg: WatchdogMessage): void => port.postMessage(msg);
/** The control thread hears of a stall as it goes (the main thread hears only once it is over). */
let live: MessagePort | null = null;
const tellLive = (msg: LiveStallMessage): void => live?.postMessage(msg);
const wallNow = (): number => performance.timeOrigin + performance.now();

/**
 * Agent bundles run from memory (no file to read): their source maps are asked of the main thread
 * through the inspector, which answers inside its interrupt even while the loop is still blocked.
 */
async function mapsFromMain(names: string[]): Promise<void> {
  const json = await evaluate(`${SCRIPT_MAPS_PROBE_GLOBAL}(${JSON.stringify(names)})`);
  const maps = JSON.parse(String(json)) as Record<string, string | null>;
  for (const name of names) mapper.register(name, maps[name] ?? null);
}

function evaluate(expression: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    inspector.post('Runtime.evaluate', { expression, returnByValue: true, silent: true }, (err, res) => {
      if (err) return reject(err);
      if (res.exceptionDetails) return reject(new Error(res.exceptionDetails.text));
      resolve(res.result.value);
    });
  });
}

let reportedError = false;
function reportError(where: string, err: unknown): void {
  if (reportedError) return;
  reportedError = true;
  send({ type: 'error', message: `watchdog ${where}: ${err instanceof Error ? err.message : String(err)}` });
}

// ---- block detection ----
// While the loop stays stalled the watchdog keeps probing (one probe in flight at a time), so a
// stall made of several sessions' blocks back to back (timers due together run in one go)
// shows each of them; the samples go to the main thread when the stall is over.
interface Stall {
  stamp: number;
  detectedAfterMs: number;
  watchdogLateMs: number;
  samples: BlockSampleWire[];
  /**
   * The CPU sampler's looks inside this stall (no frames): they start before the stall is seen,
   * so the work before the first block probe, and after the last, is placed on whoever ran it
   * instead of on the first and last session the block probes saw.
   */
  running: BlockSampleWire[];
  probing: boolean;
  /** No new probe before this (wall ms): a long stall needs samples only every few % of its age. */
  nextProbeAt: number;
}
let stall: Stall | null = null;
let lastStamp = -1;
/** The CPU sampler's looks since the last heartbeat seen: the start of a stall not yet detected. */
let sinceBeat: { stamp: number; samples: BlockSampleWire[] } = { stamp: -1, samples: [] };
/** A stall's timeline is bounded: 20 ms samples for 100 s. */
const MAX_RUNNING_SAMPLES = 5000;

function addRunning(r: RunningProbeResult): void {
  const sample: BlockSampleWire = { at: r.at, scope: r.scope, frames: [] };
  const into =
    stall?.stamp === r.stamp
      ? stall.running
      : sinceBeat.stamp === r.stamp
        ? sinceBeat.samples
        : (sinceBeat = { stamp: r.stamp, samples: [] }).samples;
  if (into.length < MAX_RUNNING_SAMPLES) into.push(sample);
}

/** Stamp age past which the loop counts as stalled: the threshold plus one heartbeat period of slack. */
const stallAfterMs = (): number => (shared[Slot.thresholdMs] ?? 0) + (shared[Slot.heartbeatMs] ?? 0);

/** Gap between probes of one stall: 5 % of its age, so segment edges stay within 5 %, between one beat and 50 ms. */
function probeGapMs(stallAgeMs: number): number {
  return Math.min(50, Math.max(shared[Slot.heartbeatMs] ?? 0, stallAgeMs / 20));
}

/** Looks at the heartbeat; returns when it next needs to look (wall ms). `lateMs`: how late this wake-up was. */
function checkHeartbeat(now: number, lateMs: number): number {
  const stamp = shared[Slot.heartbeat] ?? 0;
  if (stall && stall.stamp !== stamp && !stall.probing) finishStall(stall);
  if (now - stamp <= stallAfterMs()) return stall ? now + (shared[Slot.heartbeatMs] ?? 1) : stamp + stallAfterMs();
  if (!stall && stamp !== lastStamp) {
    // If this thread itself woke late, the host is contended: a stall seen now may be the
    // scheduler's doing, not the code's (checked against the main thread's CPU use later).
    stall = {
      stamp,
      detectedAfterMs: now - stamp,
      watchdogLateMs: lateMs,
      samples: [],
      running: sinceBeat.stamp === stamp ? sinceBeat.samples : [],
      probing: false,
      nextProbeAt: now,
    };
    sinceBeat = { stamp: -1, samples: [] };
    lastStamp = stamp;
    tellLive({ type: 'stall', stamp, sample: null });
  }
  if (!stall || stall.stamp !== stamp) return now + (shared[Slot.heartbeatMs] ?? 1);
  const exitMs = shared[Slot.stallExitMs] ?? 0;
  if (exitMs > 0 && !stall.probing && now - stamp >= exitMs) {
    stallExit(stall, now - stamp);
    return Infinity;
  }
  if (!stall.probing && now >= stall.nextProbeAt) probe(stall, now - stamp);
  return stall.probing ? Infinity : exitMs > 0 ? Math.min(stall.nextProbeAt, stamp + exitMs) : stall.nextProbeAt;
}

// ---- stall exit (`loop_stall_exit_s`) ----
let exiting = false;

/** Once: the main thread, inside its interrupt, writes the final record, flushes and exits. */
function stallExit(current: Stall, ageMs: number): void {
  if (exiting) return;
  exiting = true;
  const wire: StallExitWire = {
    blocked_ms: ageMs,
    since_ms: current.stamp,
    sample: current.samples.at(-1) ?? null,
  };
  // Never retried: a stall exit that failed once (no handler installed) would fail every tick.
  evaluate(`${STALL_EXIT_GLOBAL}(${JSON.stringify(JSON.stringify(wire))})`).catch((err: unknown) =>
    reportError('stall exit', err),
  );
}

function probe(current: Stall, ageMs: number): void {
  current.probing = true;
  evaluate(`${BLOCK_PROBE_GLOBAL}(${current.stamp})`)
    .then(async (json) => {
      const result = JSON.parse(String(json)) as BlockProbeResult;
      // The loop moved on before the interrupt landed: whatever runs now did not cause the stall.
      if (!result.in_block) return;
      const unknown = mapper.unknownScripts(result.frames);
      if (unknown.length > 0) await mapsFromMain(unknown);
      const sample = { at: result.sampled_at, scope: result.scope, frames: mapper.mapAll(result.frames) };
      current.samples.push(sample);
      if (stall === current) tellLive({ type: 'stall', stamp: current.stamp, sample });
    })
    .catch((err: unknown) => reportError('block probe', err))
    .finally(() => {
      current.probing = false;
      current.nextProbeAt = wallNow() + probeGapMs(ageMs);
      wakeAt(current.nextProbeAt);
    });
}

function finishStall(done: Stall): void {
  stall = null;
  tellLive({ type: 'stall-end', stamp: done.stamp });
  // Whether a late watchdog means the host, not the code, stalled the loop is decided on the
  // main thread, which knows the CPU it used over the whole stall (an early sample cannot).
  if (done.samples.length > 0) {
    send({
      type: 'block-samples',
      stamp: done.stamp,
      detected_after_ms: done.detectedAfterMs,
      samples: [...done.samples, ...done.running].sort((a, b) => a.at - b.at),
      watchdog_late_ms: done.watchdogLateMs,
    });
  } else if (done.watchdogLateMs > (shared[Slot.thresholdMs] ?? 0) / 2) {
    send({ type: 'host-stall', stamp: done.stamp, watchdog_late_ms: done.watchdogLateMs });
  }
}

// ---- CPU sampling ----
let counts: Record<string, number> = {};
let outside = 0;
let idle = 0;
let bucketFrom = wallNow();
/** While a sample waits for the main thread (blocked in native code), later ticks add weight to it. */
let inFlight: { weight: number } | null = null;

function sampleCpu(): void {
  if (inFlight) {
    inFlight.weight++;
    return;
  }
  const req = { weight: 1 };
  inFlight = req;
  evaluate(`${RUNNING_PROBE_GLOBAL}()`)
    .then((json) => {
      if (typeof json !== 'string') {
        idle += req.weight;
        return;
      }
      const running = JSON.parse(json) as RunningProbeResult;
      const id = running.scope?.session_id;
      if (id) counts[id] = (counts[id] ?? 0) + req.weight;
      else outside += req.weight;
      addRunning(running);
    })
    .catch((err: unknown) => reportError('cpu probe', err))
    .finally(() => {
      inFlight = null;
    });
}

function flushCpu(to: number): void {
  send({ type: 'cpu', from: bucketFrom, to, counts, outside, idle });
  counts = {};
  outside = 0;
  idle = 0;
  bucketFrom = to;
}

// ---- scheduling ----
// One timer, re-armed for the earliest thing due: a CPU sample, the moment the last heartbeat
// seen would turn stale, a probe of a stall, a flush. Thread wake-ups are most of what the
// watchdog costs (each is a tenth of a millisecond of CPU on a small VM), so it never polls
// the heartbeat on a fixed beat: while the loop is healthy it wakes only to sample.
/** Wakes this close to their time count as on time: libuv timers have 1 ms granularity. */
const EARLY_MS = 1;
/** While disabled (a debugger attached), how often to look whether it still is. */
const DISABLED_RECHECK_MS = 250;
let timer: NodeJS.Timeout | null = null;
let timerAt = Infinity;
let stopped = false;
let nextSampleAt = init.cpuSampleMs > 0 ? wallNow() + init.cpuSampleMs : Infinity;
let nextFlushAt = wallNow() + init.cpuFlushMs;

function wakeAt(at: number): void {
  if (stopped || (timer && at >= timerAt)) return;
  if (timer) clearTimeout(timer);
  timerAt = at;
  timer = setTimeout(tick, Math.max(0, Math.ceil(at - wallNow())));
}

/** The next time ≥ `now` on a fixed period's grid (missed ticks are skipped, not caught up). */
function nextOnGrid(due: number, periodMs: number, now: number): number {
  return due + Math.max(1, Math.ceil((now - due) / periodMs)) * periodMs;
}

function tick(): void {
  const scheduledAt = timerAt;
  timer = null;
  timerAt = Infinity;
  const now = wallNow();
  let next: number;
  if (now >= nextFlushAt - EARLY_MS) {
    flushCpu(now);
    nextFlushAt = nextOnGrid(nextFlushAt, init.cpuFlushMs, now);
  }
  if (shared[Slot.enabled] === 1) {
    next = checkHeartbeat(now, Math.max(0, now - scheduledAt));
    if (now >= nextSampleAt - EARLY_MS) {
      sampleCpu();
      nextSampleAt = nextOnGrid(nextSampleAt, init.cpuSampleMs, now);
    }
    next = Math.min(next, nextSampleAt);
  } else {
    next = now + DISABLED_RECHECK_MS;
  }
  wakeAt(Math.min(next, nextFlushAt));
}

wakeAt(Math.min(nextSampleAt, nextFlushAt, wallNow()));
send({ type: 'ready' });

port.on('message', (msg: MainMessage) => {
  if (msg.type === 'live') {
    live = msg.port;
    return;
  }
  stopped = true;
  live?.close();
  if (timer) clearTimeout(timer);
  inspector.disconnect();
  port.close();
});
