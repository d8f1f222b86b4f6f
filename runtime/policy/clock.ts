// Time as an injected dependency, so policy modules (breaker, admission) run in virtual time
// in tests and on the real clock in the runtime.

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds; only differences matter except for `wallTime`. */
  now(): number;
  /** Wall-clock milliseconds since the epoch, for ISO timestamps in snapshots. */
  wallTime(): number;
  setTimer(delayMs: number, fn: () => void): TimerHandle;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  wallTime: () => Date.now(),
  setTimer(delayMs, fn) {
    const t = setTimeout(fn, delayMs);
    // Policy timers must never keep a stopping process alive.
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};

/** An event's `ts`: the clock's wall time, so events agree with the snapshot under a VirtualClock. */
export function isoTime(clock: Clock): string {
  return new Date(clock.wallTime()).toISOString();
}
