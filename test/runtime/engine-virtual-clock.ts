// A virtual clock for policy tests: timers fire only when the test advances time.
import type { Clock, TimerHandle } from '../../runtime/policy/clock';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

export class VirtualClock implements Clock {
  private t = 0;
  private seq = 0;
  private pending: Pending[] = [];

  constructor(private readonly wallEpochMs = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.t;
  }

  wallTime(): number {
    return this.wallEpochMs + this.t;
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const p: Pending = { at: this.t + delayMs, seq: this.seq++, fn, cancelled: false };
    this.pending.push(p);
    return { cancel: () => (p.cancelled = true) };
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = this.pending
        .filter((p) => !p.cancelled && p.at <= end)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.pending = this.pending.filter((p) => p !== due);
      this.t = due.at;
      due.fn();
    }
    this.t = end;
  }

  pendingTimers(): number {
    return this.pending.filter((p) => !p.cancelled).length;
  }
}
