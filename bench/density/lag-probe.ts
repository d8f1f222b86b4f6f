// The loop-lag probe of bench/density: a timer due every `intervalMs`, recording how late each
// one ran. OpenRTC's throughput bench uses the same kind of probe (a 5 ms sleep); Node's
// monitorEventLoopDelay is not used because its histogram holds whole timer intervals (it reads
// ~5 ms on an idle loop at a 5 ms resolution), not the lateness.
import { summarizeLag, type LagSummary } from './stats';

export class LagProbe {
  private readonly lateMs: number[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs = 5,
    private readonly now: () => number = () => performance.now(),
  ) {}

  start(): void {
    this.lateMs.length = 0;
    this.arm();
  }

  stop(): LagSummary {
    clearTimeout(this.timer);
    this.timer = undefined;
    return summarizeLag(this.lateMs);
  }

  private arm(): void {
    const due = this.now() + this.intervalMs;
    this.timer = setTimeout(() => {
      this.lateMs.push(Math.max(0, this.now() - due));
      this.arm();
    }, this.intervalMs);
  }
}
