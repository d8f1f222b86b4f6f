// Whether `openrtc run` restarts its child runtime after it exits, and when: a pure decision over
// the child's exits (times injected), so crash loops are tested in virtual time.
// - A child that never got to serve (bad config, socket in use) is not restarted: the next one
//   would fail the same way; its exit code is the command's.
// - A clean exit (0, after a drain) or bad usage (2) ends the command too.
// - Anything else is a crash (75 = loop stall exit, 1 = memory limit or a fatal error, a signal):
//   restart after a backoff that doubles with each crash since the child last ran stably.
// - A breaker: `crashes` crashes within `windowMs` open it, and the child is held for `holdMs`
//   (not restarted in a tight loop); after the hold one child is tried again (half-open); it closes
//   once a child has run for `stableAfterMs`.

export interface RestartRule {
  initialDelayMs: number;
  maxDelayMs: number;
  /** A child that has run this long resets the backoff and closes the breaker. */
  stableAfterMs: number;
  crashes: number;
  windowMs: number;
  holdMs: number;
}

export const DEFAULT_RESTART_RULE: RestartRule = {
  initialDelayMs: 250,
  maxDelayMs: 10_000,
  stableAfterMs: 60_000,
  crashes: 5,
  windowMs: 60_000,
  holdMs: 120_000,
};

export interface ChildExit {
  code: number | null;
  signal: string | null;
  /** Whether the child got to listen on its socket. */
  ready: boolean;
  startedAtMs: number;
  exitedAtMs: number;
}

export type RestartDecision =
  | { kind: 'stop'; exitCode: number; why: string }
  | { kind: 'restart'; delayMs: number; why: string }
  /** The breaker is open: a restart, but only after the hold. */
  | { kind: 'hold'; delayMs: number; why: string };

/** Exit codes that end `openrtc run` rather than restart its runtime. */
const FINAL_CODES = new Set([0, 2]);

export function describeExit(exit: Pick<ChildExit, 'code' | 'signal'>, stallCode: number): string {
  if (exit.signal) return `killed by ${exit.signal}`;
  if (exit.code === stallCode) return `exited with code ${exit.code} (loop_stall_exit_s)`;
  return `exited with code ${exit.code ?? '?'}`;
}

export class RestartPolicy {
  private crashTimes: number[] = [];
  private sinceStable = 0;
  private open = false;

  constructor(
    private readonly rule: RestartRule,
    private readonly stallCode: number,
  ) {}

  get breakerOpen(): boolean {
    return this.open;
  }

  decide(exit: ChildExit, stopping: boolean): RestartDecision {
    const what = describeExit(exit, this.stallCode);
    const code = exit.code ?? 1;
    if (stopping) return { kind: 'stop', exitCode: code, why: `the runtime ${what} while stopping` };
    if (!exit.ready) return { kind: 'stop', exitCode: code, why: `the runtime ${what} before it served` };
    if (exit.signal === null && FINAL_CODES.has(code))
      return { kind: 'stop', exitCode: code, why: `the runtime ${what}` };

    const r = this.rule;
    if (exit.exitedAtMs - exit.startedAtMs >= r.stableAfterMs) {
      this.sinceStable = 0;
      this.open = false;
    }
    this.sinceStable++;
    this.crashTimes = [...this.crashTimes.filter((t) => exit.exitedAtMs - t < r.windowMs), exit.exitedAtMs];
    // Half-open: the one child tried after a hold crashed before running stably.
    if (this.open || this.crashTimes.length >= r.crashes) {
      this.open = true;
      return {
        kind: 'hold',
        delayMs: r.holdMs,
        why: `the runtime ${what}; ${this.crashTimes.length} crash(es) within ${r.windowMs / 1000} s: crash loop, holding restarts for ${r.holdMs / 1000} s`,
      };
    }
    const delayMs = Math.min(r.maxDelayMs, r.initialDelayMs * 2 ** (this.sinceStable - 1));
    return { kind: 'restart', delayMs, why: `the runtime ${what}; restarting in ${(delayMs / 1000).toFixed(2)} s` };
  }
}
