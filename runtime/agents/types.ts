// What agent code sees: the definition it exports and the per-session context `entry` receives.
import type { ScopedLogger } from '../log-writer/log';

export interface AgentProcess {
  /** Shared by every session of this agent version; prewarm puts models and clients here. */
  readonly userData: Record<string, unknown>;
}

export interface SessionContext {
  readonly sessionId: string;
  readonly tenant: string;
  readonly agentName: string;
  /** Dispatch metadata as requested (its `tenant` is the resolved tenant). */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** This tenant's `tenant_config`, with `<key>_env` references resolved from the environment. */
  readonly tenantConfig: Readonly<Record<string, unknown>>;
  readonly log: ScopedLogger;
  /** Aborted on hang-up, operator cancel, drain or failure; `signal.reason` says which. */
  readonly signal: AbortSignal;
  readonly proc: AgentProcess;
  /** The agent's reply to the caller. */
  say(text: string): void;
  /** The caller's turns, in order; ends when the caller hangs up. */
  userTurns(): AsyncIterable<string>;
}

export interface AgentDefinition {
  /** Agent name for dispatch and caps; defaults to the file name without extension. */
  readonly name?: string;
  entry(ctx: SessionContext): unknown;
  prewarm?(proc: AgentProcess): unknown;
}

/** Reasons `ctx.signal` is aborted with. */
export type EndReason = 'hang-up' | 'cancelled' | 'drain' | 'failed';
