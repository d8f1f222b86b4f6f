// Loop lag the way bench/isolation measures it (also used by test/runtime/auto-isolate-lag.test.ts):
// a 1 ms heartbeat's lateness in a histogram, and an A/B of a child process running vs stopped
// (SIGSTOP) in interleaved slices, so host load drifting during the run hits both sides alike.
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';

export interface LagFigures {
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Loop lag as a 1 ms heartbeat's lateness, recorded (in µs) into whichever histogram is current.
 * Switching buckets drops the next beat, so a gap between slices never counts as lag.
 */
export class LagSampler {
  private current: RecordableHistogram | null = null;
  private last = performance.now();
  private skip = true;

  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.timer = setInterval(() => {
      const now = performance.now();
      const lateMs = now - this.last - 1;
      this.last = now;
      if (this.skip) this.skip = false;
      else this.current?.record(Math.max(1, Math.round(lateMs * 1000)));
    }, 1);
  }

  /** The runner never stops it (it exits when done); a test does. */
  stop(): void {
    clearInterval(this.timer);
  }

  into(h: RecordableHistogram | null): void {
    this.current = h;
    this.skip = true;
  }
}

export function figures(h: RecordableHistogram): LagFigures {
  const r = (us: number): number => Math.round(us / 10) / 100;
  return { p50_ms: r(h.percentile(50)), p99_ms: r(h.percentile(99)), max_ms: r(h.max) };
}

export async function measure(sampler: LagSampler, ms: number): Promise<LagFigures> {
  const h = createHistogram();
  sampler.into(h);
  await sleep(ms);
  sampler.into(null);
  return figures(h);
}

/**
 * Loop lag with the spinner's child running vs stopped (SIGSTOP), in alternating slices: the host
 * is shared and its load drifts, so an A/B in interleaved slices compares like with like.
 */
export async function interleaved(
  sampler: LagSampler,
  pid: number,
  ms: number,
): Promise<{ running: LagFigures; stopped: LagFigures }> {
  const running = createHistogram();
  const stopped = createHistogram();
  const slices = 10;
  try {
    for (let i = 0; i < slices; i++) {
      for (const [h, signal] of [
        [stopped, 'SIGSTOP'],
        [running, 'SIGCONT'],
      ] as const) {
        process.kill(pid, signal);
        sampler.into(h);
        await sleep(ms / slices);
      }
    }
  } finally {
    sampler.into(null);
    process.kill(pid, 'SIGCONT');
  }
  return { running: figures(running), stopped: figures(stopped) };
}
