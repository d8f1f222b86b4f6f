// Where bench/density looks next for the largest N whose loop p99 lag stays within the goal:
// double past the largest passing N until one fails, then bisect between the two. Pure, so the
// search order is tested without running sessions. Loaded-host noise can make a smaller N fail
// after a larger one passed; a failure below the largest pass is not a bound.

export interface SizeOutcome {
  n: number;
  p99Ms: number;
}

export interface SearchLimits {
  goalP99Ms: number;
  /** Never try more sessions than this. */
  maxN: number;
  /** Stop once the largest pass and the smallest failure above it are this close. */
  resolution: number;
}

export interface SearchState {
  /** Largest N that met the goal (0 when none did). */
  largestPass: number;
  /** Smallest N above it that missed the goal, if any. */
  smallestFailAbove: number | null;
}

export function searchState(outcomes: readonly SizeOutcome[], goalP99Ms: number): SearchState {
  const largestPass = Math.max(0, ...outcomes.filter((o) => o.p99Ms <= goalP99Ms).map((o) => o.n));
  const failsAbove = outcomes.filter((o) => !(o.p99Ms <= goalP99Ms) && o.n > largestPass).map((o) => o.n);
  return { largestPass, smallestFailAbove: failsAbove.length ? Math.min(...failsAbove) : null };
}

/** The next N to measure, or null when the largest passing N is known to `resolution`. */
export function nextSize(outcomes: readonly SizeOutcome[], limits: SearchLimits): number | null {
  const tried = new Set(outcomes.map((o) => o.n));
  const { largestPass, smallestFailAbove } = searchState(outcomes, limits.goalP99Ms);
  let next: number;
  if (smallestFailAbove === null) {
    if (largestPass >= limits.maxN) return null;
    next = Math.min(limits.maxN, Math.max(1, largestPass * 2));
  } else {
    if (smallestFailAbove - largestPass <= limits.resolution) return null;
    next = Math.round((largestPass + smallestFailAbove) / 2);
  }
  return tried.has(next) ? null : next;
}
