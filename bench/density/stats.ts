// Pure figures for bench/density: percentiles of lag samples, and the sessions-per-GB ratio.

export interface LagSummary {
  samples: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export function summarizeLag(samples: readonly number[]): LagSummary {
  return {
    samples: samples.length,
    p50_ms: percentile(samples, 50),
    p99_ms: percentile(samples, 99),
    max_ms: samples.length ? Math.max(...samples) : NaN,
  };
}

export function median(xs: readonly number[]): number {
  return percentile(xs, 50);
}

/**
 * How many more sessions one GB holds in the shared loop than under process-per-job. The shared
 * side is charged its whole RSS (runtime, agents-js, the model) spread over its sessions, not
 * just what each session added: the conservative reading.
 */
export function sessionsPerGbRatio(sharedRssMb: number, sharedSessions: number, jobChildRssMb: number): number {
  return jobChildRssMb / (sharedRssMb / sharedSessions);
}
