// Restart backoff for a crashed tenant process: doubling from `initialMs` up to `maxMs`, and back
// to the start once a child has stayed up for `stableMs` (a crash after a long healthy run is not
// part of a crash loop). Pure: the caller passes the times.

export interface BackoffSettings {
  initialMs: number;
  maxMs: number;
  stableMs: number;
}

export const DEFAULT_BACKOFF: BackoffSettings = { initialMs: 250, maxMs: 30_000, stableMs: 60_000 };

export class RestartBackoff {
  private failures = 0;

  constructor(private readonly settings: BackoffSettings = DEFAULT_BACKOFF) {}

  /** The delay before the next start, given how long the child that just exited had been up. */
  next(upForMs: number): number {
    if (upForMs >= this.settings.stableMs) this.failures = 0;
    const delay = Math.min(this.settings.maxMs, this.settings.initialMs * 2 ** this.failures);
    this.failures++;
    return delay;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }
}
