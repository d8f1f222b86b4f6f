// The control protocol's data between a runtime and its clients (the CLI, the extension): the
// params, results, snapshot and event shapes, the error codes. JSON-RPC 2.0 with vscode-jsonrpc
// framing over a Unix socket; each method is declared once, with these types, in methods.ts.
//
// Wire names are snake_case where they mirror OpenRTC's runtime_snapshot(), so runbooks
// and scripts written against OpenRTC read the same.

import type { LoopBlockState } from './loop-block';

export const PROTOCOL_VERSION = 1;

/** JSON-RPC error codes beyond the standard ones (-32700..-32600). */
export const ErrorCodes = {
  InvalidParams: -32602,
  UnknownTenant: 1001,
  InvalidTenantId: 1002,
  NotIsolated: 1003,
  Draining: 1004,
  ConfigInvalid: 1005,
  UnknownSession: 1006,
  UnknownAgent: 1007,
  Unsupported: 1008,
  /** isolateTenant: the tenant's child process did not start (the tenant stays on the shared loop). */
  IsolationFailed: 1009,
  /** A request that needs the main loop waited its bound while the loop stayed blocked; nothing changed. */
  LoopBlocked: 1010,
} as const;

/**
 * Optional field of every request that needs the main loop: how long (ms) it may wait for a blocked
 * loop before it fails with LoopBlocked. The control thread takes it off before the params are checked.
 */
export const LOOP_WAIT_FIELD = 'loop_wait_ms';
export const DEFAULT_LOOP_WAIT_MS = 10_000;
export const MAX_LOOP_WAIT_MS = 600_000;
export interface LoopWait {
  loop_wait_ms?: number;
}

export interface HelloParams {
  client: string;
  protocol_version: number;
}
export interface HelloResult {
  protocol_version: number;
  runtime_version: string;
  pid: number;
  node_version: string;
  workspace: string;
  config_path: string | null;
  log_file: string;
  /** The JSONL metrics file (history for the dashboard). Absent from runtimes older than issue 16. */
  metrics_file?: string;
  /**
   * Method names this runtime serves; clients must check before calling optional ones. Plain
   * strings: a newer runtime may serve methods this client has never heard of.
   */
  capabilities: string[];
}

export type SessionStatus = 'starting' | 'active' | 'slow' | 'draining' | 'ended' | 'failed' | 'cancelled';
export type BreakerState = 'closed' | 'open' | 'half_open';
export type IsolationMode = 'coroutine' | 'process';
export type RejectionReason =
  | 'draining'
  | 'invalid_tenant'
  | 'unknown_agent'
  | 'circuit_open'
  | 'tenant_cap'
  | 'agent_cap'
  | 'worker_cap'
  /** Fleet mode with on_unavailable "fail_closed" while Redis cannot be reached. */
  | 'fleet_unavailable';

/** One source frame of a loop block, mapped back to the agent's own source. */
export interface StackFrame {
  function: string;
  file: string;
  line: number;
  column: number;
}

export interface SessionRow {
  session_id: string;
  agent_name: string;
  tenant: string;
  status: SessionStatus;
  duration_s: number;
  /** Share of this process's CPU over the recent window (see docs: what it measures per Node version). */
  cpu_pct: number;
  /** Estimated: an equal share of the process RSS in a shared process; the child's RSS when isolated alone. */
  mem_mb: number;
  blocked_ms_last: number | null;
  /** Top frames of the last loop block this session caused, agent source first. */
  blocked_frames: StackFrame[] | null;
  started_at: string;
  isolation: IsolationMode;
}

export interface BreakerSnapshot {
  enabled: boolean;
  state: BreakerState;
  /** Closed: failures and samples in the current window. Open or half-open: the counts it last opened on. */
  failures: number;
  samples: number;
  /** ISO time the breaker goes half-open, when open. */
  retry_at: string | null;
  cooldown_s: number;
  times_opened: number;
}

export interface TenantSnapshot {
  active: number;
  cap: number | null;
  failures: number;
  started: number;
  rejections_by_reason: Partial<Record<RejectionReason, number>>;
  breaker: BreakerSnapshot;
  isolation: IsolationMode;
  slow_sessions: number;
  /** Present while the tenant runs in a child process of its own (isolation 'process'). */
  process?: TenantProcessInfo;
  /** Why the runtime isolated the tenant by itself (`tenant_auto_isolate`); absent when a human or the config did. */
  isolation_reason?: string;
}

export interface TenantProcessInfo {
  /** null while the child is being (re)started. */
  pid: number | null;
  state: 'starting' | 'ready' | 'backoff' | 'stopped';
  rss_mb: number | null;
  /** The child's own event-loop lag, as it last reported it. */
  loop_lag: LoopLag | null;
  restarts: number;
  live_sessions: number;
}

export interface LoopLag {
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
}

export interface FoldedTenants {
  tenants: number;
  started: number;
  failures: number;
  rejections_by_reason: Partial<Record<RejectionReason, number>>;
}

export function noFoldedTenants(): FoldedTenants {
  return { tenants: 0, started: 0, failures: 0, rejections_by_reason: {} };
}

export interface RuntimeSnapshot {
  timestamp: number;
  uptime_seconds: number;
  registered_agents: number;
  active_sessions: number;
  total_sessions_started: number;
  total_session_failures: number;
  last_error: string | null;
  sessions_by_agent: Record<string, number>;
  sessions_by_tenant: Record<string, number>;
  max_concurrent_sessions: number;
  tenants: Record<string, TenantSnapshot>;
  /** Idle tenants whose detail was dropped to bound memory (runtime/engine/tenant-retention.ts): their counts, summed. */
  folded_tenants: FoldedTenants;
  loop_lag: LoopLag;
  rss_mb: number;
  draining: boolean;
  sessions: SessionRow[];
  /**
   * The loop block in progress when the main loop could not answer (the control thread's view),
   * with the rest of the snapshot as last published; null or absent when the loop is running.
   */
  loop?: LoopBlockState | null;
  /** LiveKit worker mode (`openrtc run --livekit`): one entry per registration; absent otherwise. */
  livekit?: LiveKitWorkerSnapshot[];
}

/** One LiveKit agent-worker registration as the snapshot shows it. Never a key, secret or token. */
export interface LiveKitWorkerSnapshot {
  /** Server URL without credentials or query. */
  url: string;
  agent_name: string;
  worker_id: string | null;
  state: 'connecting' | 'registered' | 'reconnecting' | 'draining' | 'closed';
  last_load: number | null;
  last_status: 'available' | 'full' | null;
  running_jobs: number;
  offered: number;
  accepted: number;
  /** Offers answered no, by reason (admission reasons, routing's unknown_agent / bad_metadata, draining). */
  refused: Record<string, number>;
  assignment_timeouts: number;
  reconnects: number;
  last_error: string | null;
}

/** Events: on the control stream (`event` notifications) and in the versioned JSONL metrics file. */
export type RuntimeEvent =
  | { type: 'session_started'; ts: string; session_id: string; tenant: string; agent_name: string }
  | { type: 'session_ended'; ts: string; session_id: string; tenant: string; agent_name: string; duration_s: number }
  | { type: 'session_failed'; ts: string; session_id: string; tenant: string; agent_name: string; error: string }
  | { type: 'session_cancelled'; ts: string; session_id: string; tenant: string; agent_name: string; reason: string }
  | { type: 'rejected'; ts: string; tenant: string; agent_name: string; reason: RejectionReason; detail: string }
  | { type: 'breaker_opened'; ts: string; tenant: string; failures: number; samples: number; cooldown_s: number }
  | { type: 'breaker_half_open'; ts: string; tenant: string }
  | { type: 'breaker_closed'; ts: string; tenant: string }
  | {
      type: 'slow_session';
      ts: string;
      /** null when the loop was blocked outside any session (runtime code). */
      session_id: string | null;
      tenant: string | null;
      agent_name: string | null;
      blocked_ms: number;
      frames: StackFrame[];
    }
  | { type: 'tenant_isolated'; ts: string; tenant: string; pid: number | null }
  | { type: 'tenant_restored'; ts: string; tenant: string }
  | { type: 'config_reloaded'; ts: string; ok: boolean; error: string | null }
  | { type: 'agent_reloaded'; ts: string; agent_name: string; file: string; ok: boolean; error: string | null }
  | { type: 'draining'; ts: string };
export type RuntimeEventType = RuntimeEvent['type'];

// Keyed by the union, so a new event type is a compile error here until listed: the runtime list
// below is derived from it, never copied by hand.
const eventTypeSet: Record<RuntimeEventType, true> = {
  session_started: true,
  session_ended: true,
  session_failed: true,
  session_cancelled: true,
  rejected: true,
  breaker_opened: true,
  breaker_half_open: true,
  breaker_closed: true,
  slow_session: true,
  tenant_isolated: true,
  tenant_restored: true,
  config_reloaded: true,
  agent_reloaded: true,
  draining: true,
};
/** Every event type, in declaration order (for validating `subscribe`'s filter). */
export const EVENT_TYPES = Object.keys(eventTypeSet) as readonly RuntimeEventType[];

export interface SubscribeParams {
  /** Event types to receive; omitted = all. */
  types?: RuntimeEventType[];
}

export interface StartCallsParams {
  agent: string;
  tenant?: string;
  /** Extra dispatch metadata; `tenant` here is overridden by the tenant param when both are given. */
  metadata?: Record<string, unknown>;
  /** Scripted caller turns, in order; the caller hangs up after the last one is answered. */
  say?: string[];
  count?: number;
  concurrency?: number;
  /** Calls started per second across the run; omitted = as fast as concurrency allows. */
  rate?: number;
  /** Caller think-time between turns, ms. */
  think_ms?: number;
  /** How long the caller waits for each reply before speaking on, ms. */
  reply_timeout_ms?: number;
  /** When true the reply comes once every call has ended; otherwise at once after admission. */
  wait?: boolean;
}
export interface StartCallsResult {
  started: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  rejected: Partial<Record<RejectionReason, number>>;
  sessions: string[];
}

export interface CancelSessionParams {
  session_id: string;
}
export interface SetTenantCapParams {
  tenant: string;
  /** null removes the tenant's own cap (the "*" default applies again). */
  cap: number | null;
}
export interface SetBreakerParams {
  tenant: string;
  enabled?: boolean;
  cooldown_s?: number;
  failure_ratio?: number;
  min_samples?: number;
  window_s?: number;
  /** Cap on the cooldown, which doubles each time a half-open probe fails. */
  max_cooldown_s?: number;
  /** Probe sessions admitted while half-open; it closes when this many succeed. */
  half_open_probes?: number;
}
export interface SetSlowThresholdParams {
  threshold_ms: number;
}
export interface TenantParams {
  tenant: string;
}
export interface DrainParams {
  timeout_s?: number;
}
export interface ReloadConfigResult {
  ok: boolean;
  error: string | null;
}

/** One scoped JSONL log record, OpenRTC's field names. */
export interface LogRecord {
  timestamp: string;
  level: string;
  session_id: string | null;
  agent_name: string | null;
  tenant: string | null;
  logger: string;
  message: string;
  exc_info?: string;
}
export interface LogsParams {
  session_id?: string;
  tenant?: string;
  agent_name?: string;
  level?: string;
  /** At most this many of the newest matching records. */
  limit?: number;
  /**
   * Only records written after this byte offset: pass the last reply's `end_offset` to follow the
   * log reading just what is new. An offset past the end (the file was replaced) reads it from the top.
   */
  after_offset?: number;
}
export interface LogsResult {
  records: LogRecord[];
  skipped_lines: number;
  /** Where the complete lines read end: the next `after_offset`. */
  end_offset: number;
}

/**
 * What a runtime serves over the socket: the control server maps each method to one of
 * these (after validating params). The in-process Runtime implements it; so can a fake in tests.
 */
export interface ControlApi {
  hello(params: HelloParams): HelloResult;
  snapshot(): RuntimeSnapshot;
  sessions(): SessionRow[];
  startCalls(params: StartCallsParams): Promise<StartCallsResult>;
  cancelSession(params: CancelSessionParams): void;
  setTenantCap(params: SetTenantCapParams): TenantSnapshot;
  setBreaker(params: SetBreakerParams): BreakerSnapshot;
  setSlowThreshold(params: SetSlowThresholdParams): void;
  isolateTenant(params: TenantParams): Promise<TenantSnapshot>;
  restoreTenant(params: TenantParams): Promise<TenantSnapshot>;
  drain(params: DrainParams): Promise<void>;
  reloadConfig(): Promise<ReloadConfigResult>;
  logs(params: LogsParams): Promise<LogsResult>;
  /** Live events; returns an unsubscribe function. */
  onEvent(listener: (event: RuntimeEvent) => void): () => void;
}

/** Errors thrown by ControlApi implementations carry a code from ErrorCodes and a message for humans. */
export class ControlError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}
