// Per-session CPU share over a recent window, from the watchdog's periodic sample counts.
// A sample says which session's code the loop thread was running at that instant (or none),
// so a session's share of samples is its share of the loop thread's time. Pure.

export interface CpuBucket {
  from: number;
  to: number;
  /** Samples that found the loop running a session's code, by session id. */
  counts: Record<string, number>;
  /** Samples that found the loop running JS outside any session (runtime code). */
  outside: number;
  /** Samples that found the loop waiting for work. */
  idle: number;
}

export class CpuWindow {
  private buckets: CpuBucket[] = [];

  constructor(private readonly windowMs: number) {}

  add(bucket: CpuBucket): void {
    this.buckets.push(bucket);
    this.prune(bucket.to);
  }

  /** Percent of all samples in the window per session (0-100; the sum is at most 100). */
  shares(now: number): Map<string, number> {
    this.prune(now);
    let total = 0;
    const perSession = new Map<string, number>();
    for (const b of this.buckets) {
      total += b.idle + b.outside;
      for (const [id, n] of Object.entries(b.counts)) {
        total += n;
        perSession.set(id, (perSession.get(id) ?? 0) + n);
      }
    }
    const out = new Map<string, number>();
    if (total === 0) return out;
    for (const [id, n] of perSession) out.set(id, Math.round((n / total) * 1000) / 10);
    return out;
  }

  private prune(now: number): void {
    this.buckets = this.buckets.filter((b) => now - b.to < this.windowMs);
  }
}
