// `loop_stall_exit_s` (DESIGN §3.13): when the shared loop has been stuck that long, nothing on it
// will ever run again, so the runtime gives up: it writes one final record naming the block,
// remembers the blamed tenant as isolated (isolation-memory.ts, so the restarted runtime keeps it
// off the shared loop), flushes the log and exits with EXIT_LOOP_STALLED for a supervisor
// (`openrtc run`, runtime/cli/supervisor) to restart it. All of it runs inside the stall, on the
// main thread, from the watchdog's interrupt: synchronous I/O only.
import { describeLoopBlock, type LoopBlockState } from '../../protocol/loop-block';
import type { StallReport } from '../loop-health/attribution-seam';
import type { LogLevel, RecordScope } from '../log-writer/log';
import type { IsolationMemory } from './isolation-memory';

/** Documented in docs/cpu-and-blocking.md; `openrtc run` restarts a child that exits with it. */
export const EXIT_LOOP_STALLED = 75;

export interface StallRecoveryDeps {
  workspaceDir: string;
  memory: IsolationMemory;
  log: (level: LogLevel, scope: RecordScope | null, line: string) => void;
  /** Puts every record written so far on disk. */
  flush(): void;
  exit(code: number): void;
  isolate(tenant: string): Promise<unknown>;
  nowIso(): string;
}

export class StallRecovery {
  constructor(private readonly deps: StallRecoveryDeps) {}

  /** The threshold the watchdog watches for, ms (0 = off), from `loop_stall_exit_s`. */
  static thresholdMs(seconds: number | null): number {
    return seconds === null ? 0 : Math.round(seconds * 1000);
  }

  /** At start: tenants a previous run isolated because they stalled it stay isolated. */
  async isolateRemembered(): Promise<void> {
    const { memory, log } = this.deps;
    memory.load((message) => log('error', null, `[stall-exit] ${message}`));
    for (const [tenant, entry] of memory.entries()) {
      try {
        await this.deps.isolate(tenant);
        log(
          'warn',
          { tenant },
          `[stall-exit] tenant '${tenant}' stays in process isolation (${entry.reason}; since ${entry.at}; undo: openrtc tenant restore ${tenant})`,
        );
      } catch (err) {
        log(
          'error',
          { tenant },
          `[stall-exit] tenant '${tenant}' could not be isolated again: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
  }

  reasonOf(tenant: string): string | null {
    return this.deps.memory.reasonOf(tenant);
  }

  remembers(tenant: string): boolean {
    return this.deps.memory.has(tenant);
  }

  restored(tenant: string): void {
    this.deps.memory.forget(tenant);
  }

  /** Runs inside the stall: the final record, the tenant remembered, the log flushed, exit. */
  onStall(r: StallReport): void {
    const { workspaceDir, log, memory } = this.deps;
    const block: LoopBlockState = {
      since_ms: r.since_ms,
      blocked_ms: r.blocked_ms,
      session_id: r.session_id,
      tenant: r.tenant,
      agent_name: r.agent_name,
      frames: r.frames,
      sampled: r.frames.length > 0 || r.session_id !== null,
    };
    const what = describeLoopBlock(block, workspaceDir);
    const then = r.tenant
      ? `; the restarted runtime runs tenant '${r.tenant}' in process isolation (undo: openrtc tenant restore ${r.tenant})`
      : '; no session owns the block, so no tenant is isolated';
    const frames = r.frames.map((f) => `\n    at ${f.function} (${f.file}:${f.line}:${f.column})`).join('');
    try {
      if (r.tenant) memory.remember(r.tenant, { reason: `stall exit: ${what}`, at: this.deps.nowIso() });
    } catch (err) {
      log('error', null, `[stall-exit] could not record tenant '${r.tenant}' as isolated: ${String(err)}`);
    }
    const scope: RecordScope | null =
      r.session_id && r.tenant && r.agent_name
        ? { sessionId: r.session_id, tenant: r.tenant, agentName: r.agent_name }
        : null;
    log(
      'fatal',
      scope,
      `[stall-exit] ${what}; loop_stall_exit_s reached: exiting with code ${EXIT_LOOP_STALLED}${then}${frames}`,
    );
    this.deps.flush();
    this.deps.exit(EXIT_LOOP_STALLED);
  }
}
