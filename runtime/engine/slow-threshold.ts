// The slow-session threshold in force: openrtc.json's `slow_session_threshold_ms` until an operator
// sets one (`setSlowThreshold`), which then outlives config reloads. Every change goes to the parts
// that judge sessions against it: shared-loop attribution and the isolated tenants' children.
import type { SessionAttribution } from '../loop-health/attribution-seam';

export interface SlowThresholdTargets {
  /** Shared-loop attribution; null until it has started (or when the runtime runs without it). */
  attribution(): SessionAttribution | null;
  isolation: { setThreshold(ms: number): void };
}

export class SlowThreshold {
  private override: number | null = null;

  constructor(private readonly targets: SlowThresholdTargets) {}

  /** The threshold in force, given the running config's. */
  current(configMs: number): number {
    return this.override ?? configMs;
  }

  /** An operator's setting: applied now and kept across reloads. */
  setByOperator(ms: number): void {
    this.override = ms;
    this.apply(ms);
  }

  /** A config reload: the file's value applies only while no operator setting is in force. */
  configChanged(previousMs: number, nextMs: number): void {
    if (this.override === null && nextMs !== previousMs) this.apply(nextMs);
  }

  private apply(ms: number): void {
    this.targets.attribution()?.setThreshold(ms);
    this.targets.isolation.setThreshold(ms);
  }
}
