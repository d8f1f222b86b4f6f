// Event-loop lag from perf_hooks' histogram over a recent window (reset every `windowMs`, keeping
// the previous window so a read right after a reset still has data).
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { LoopLag } from '../../protocol/control';

export class LoopLagMonitor {
  private current: IntervalHistogram;
  private previous: LoopLag = { p50_ms: 0, p99_ms: 0, max_ms: 0 };
  private readonly timer: NodeJS.Timeout;

  constructor(windowMs = 10_000) {
    this.current = monitorEventLoopDelay({ resolution: 10 });
    this.current.enable();
    this.timer = setInterval(() => {
      this.previous = this.read();
      this.current.reset();
    }, windowMs);
    this.timer.unref();
  }

  read(): LoopLag {
    const h = this.current;
    if (h.count === 0) return this.previous;
    const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
    return { p50_ms: ms(h.percentile(50)), p99_ms: ms(h.percentile(99)), max_ms: ms(h.max) };
  }

  stop(): void {
    clearInterval(this.timer);
    this.current.disable();
  }
}
