// Loop lag over a recent window, from the heartbeat's own measurements: each tick records
// how late it ran. Two rotating windows so a reading never covers less than one full window.
import type { LoopLag } from '../../protocol/control';

export class LagWindow {
  private current: number[] = [];
  private previous: number[] = [];
  private windowStart: number;

  constructor(
    private readonly windowMs: number,
    now: number,
  ) {
    this.windowStart = now;
  }

  record(lagMs: number, now: number): void {
    this.rotate(now);
    this.current.push(lagMs);
  }

  read(now: number): LoopLag {
    this.rotate(now);
    const all = this.previous.concat(this.current).sort((a, b) => a - b);
    if (all.length === 0) return { p50_ms: 0, p99_ms: 0, max_ms: 0 };
    return {
      p50_ms: round1(percentile(all, 0.5)),
      p99_ms: round1(percentile(all, 0.99)),
      max_ms: round1(all[all.length - 1] ?? 0),
    };
  }

  private rotate(now: number): void {
    if (now - this.windowStart < this.windowMs) return;
    // A gap longer than two windows means nothing recent is in either buffer.
    this.previous = now - this.windowStart < 2 * this.windowMs ? this.current : [];
    this.current = [];
    this.windowStart = now;
  }
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? 0;
}

export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
