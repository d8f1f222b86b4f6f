// The seam the loop-block/CPU attribution module (runtime/attribution/LoopAttribution, a
// teammate's) plugs into; declared here structurally so the engine does not depend on its
// internals. Without one, cpu_pct is 0, blocked_* are null, no session is ever 'slow', and loop
// lag comes from perf_hooks: no figures are invented.
import type { LoopLag, StackFrame } from '../../protocol/control';
import type { SessionScope } from '../session/scope';

export interface LoopBlockReport {
  session_id: string | null;
  tenant: string | null;
  agent_name: string | null;
  blocked_ms: number;
  /** Of `blocked_ms`, the time the loop ran code rather than waited for a core (budgets judge this). */
  own_ms: number;
  frames: StackFrame[];
}

/** A stall still in progress (`loop_stall_exit_s`): who was last seen running, since when (epoch ms). */
export interface StallReport extends Omit<LoopBlockReport, 'own_ms'> {
  since_ms: number;
}

export interface SessionLoopView {
  slow: boolean;
  blocked_ms_last: number | null;
  blocked_frames: StackFrame[] | null;
  cpu_pct: number;
}

export interface SessionAttribution {
  start(): Promise<void>;
  stop(): Promise<void>;
  setThreshold(ms: number): void;
  /** Once a stall is `ms` old (0 = off), `onStall` runs on the main thread inside it. */
  setStallExit(ms: number, onStall: (r: StallReport) => void): void;
  onBlock(listener: (r: LoopBlockReport) => void): () => void;
  loopLag(): LoopLag;
  sessionState(sessionId: string): SessionLoopView;
  forgetSession(sessionId: string): void;
}

/**
 * Built by the runtime once its log exists; `log` takes the `[slow-session]` lines, `isLive`
 * says whether a session still runs (a block reported after its session ended keeps no mark).
 */
export type AttributionFactory = (opts: {
  thresholdMs: number;
  log: (line: string, scope: SessionScope | null) => void;
  isLive: (sessionId: string) => boolean;
}) => SessionAttribution;
