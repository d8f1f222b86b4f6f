// `openrtc run` as a supervisor: runs the runtime in a child process, restarts it when it crashes
// or exits for a loop stall (restart-policy.ts decides), forwards SIGINT/SIGTERM to it and ends
// with its exit code. The process machinery is injected (child-process.ts has the real one), so
// this object tests with a scripted child and a virtual clock.
import type { RestartDecision, RestartPolicy } from './restart-policy';

export interface SupervisedChild {
  readonly pid: number | undefined;
  /** The child listens on its socket. */
  onReady(listener: () => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(signal: NodeJS.Signals): void;
}

export interface SupervisorDeps {
  spawn(): SupervisedChild;
  policy: RestartPolicy;
  now(): number;
  setTimer(fn: () => void, ms: number): { cancel(): void };
  /** One line for the operator (stderr). */
  log(line: string): void;
}

export class Supervisor {
  private child: SupervisedChild | null = null;
  private timer: { cancel(): void } | null = null;
  private stopping = false;
  private finish: ((code: number) => void) | null = null;
  private starts = 0;
  /** Every decision taken, in order (the test and the final line read it). */
  readonly decisions: RestartDecision[] = [];

  constructor(private readonly deps: SupervisorDeps) {}

  /** Resolves with the exit code of `openrtc run` once a child's exit is not followed by a restart. */
  run(): Promise<number> {
    return new Promise((resolve) => {
      this.finish = resolve;
      this.startChild();
    });
  }

  /** SIGINT/SIGTERM to the supervisor: the child drains (a second one stops it at once). */
  signal(signal: NodeJS.Signals): void {
    this.stopping = true;
    if (this.child) {
      this.child.kill(signal);
      return;
    }
    // Between children (a backoff or a hold): nothing runs, so nothing to drain.
    this.timer?.cancel();
    this.timer = null;
    this.deps.log(`openrtc run: ${signal} while no runtime runs: not restarting it`);
    this.finish?.(0);
  }

  get restarts(): number {
    return Math.max(0, this.starts - 1);
  }

  private startChild(): void {
    this.starts++;
    const startedAtMs = this.deps.now();
    let ready = false;
    const child = this.deps.spawn();
    this.child = child;
    child.onReady(() => (ready = true));
    child.onExit((code, signal) => {
      this.child = null;
      const decision = this.deps.policy.decide(
        { code, signal, ready, startedAtMs, exitedAtMs: this.deps.now() },
        this.stopping,
      );
      this.decisions.push(decision);
      if (decision.kind === 'stop') {
        if (!this.stopping && ready) this.deps.log(`openrtc run: ${decision.why}; not restarting it`);
        this.finish?.(decision.exitCode);
        return;
      }
      this.deps.log(`openrtc run: ${decision.why}`);
      this.timer = this.deps.setTimer(() => {
        this.timer = null;
        if (decision.kind === 'hold') this.deps.log('openrtc run: hold over: trying the runtime once more');
        this.startChild();
      }, decision.delayMs);
    });
  }
}
