// The validated, defaulted shape of openrtc.json. Key names are OpenRTC's (snake_case) so the
// file, the schema, the runbooks and this type all read the same.
import type { IsolationMode } from '../../protocol/control';
import type { AutoIsolateRule } from '../policy/auto-isolate';

export interface OpenrtcConfig {
  agents: string | string[];
  max_concurrent_sessions: number;
  max_sessions_per_tenant: Record<string, number>;
  max_sessions_per_agent: Record<string, number>;
  enable_tenant_circuit_breaker: boolean;
  tenant_circuit_cooldown_s: number;
  tenant_circuit_failure_ratio: number;
  tenant_circuit_min_samples: number;
  tenant_circuit_window_s: number;
  tenant_circuit_max_cooldown_s: number;
  tenant_circuit_half_open_probes: number;
  tenant_circuit_success_after_s: number;
  isolation: IsolationMode;
  tenant_isolation: Record<string, IsolationMode>;
  tenant_memory_limit_mb: number;
  slow_session_threshold_ms: number;
  /** null = off (runtime/policy/auto-isolate.ts). */
  tenant_auto_isolate: AutoIsolateRule | null;
  /** null = off: exit after the shared loop has been blocked this long (runtime/engine/stall-exit.ts). */
  loop_stall_exit_s: number | null;
  /** Raw, as written: secrets appear only as `<name>_env` references, resolved per session. */
  tenant_config: Record<string, Record<string, unknown>>;
  log_file: string;
  metrics_jsonl: string;
  metrics_interval_s: number;
  memory_warn_mb: number;
  memory_limit_mb: number;
  livekit: LiveKitConfig;
  /** Absent: caps and breakers are per runtime. Present: shared through Redis (runtime/fleet). */
  fleet?: FleetConfig;
}

/** The `fleet` block as written; runtime/fleet/settings.ts fills the defaults and reads the URL. */
export interface FleetConfig {
  redis_url_env: string;
  key_prefix?: string;
  lease_ttl_s?: number;
  on_unavailable?: 'fail_open' | 'fail_closed';
}

/** The `livekit` block: names of environment variables (never values) and worker-mode settings; all optional. */
export interface LiveKitConfig {
  url_env?: string;
  api_key_env?: string;
  api_secret_env?: string;
  agent_name?: string | string[];
  drain_timeout_s?: number;
  reconnect_initial_ms?: number;
  reconnect_max_ms?: number;
  status_interval_ms?: number;
  assignment_timeout_ms?: number;
}

/** One problem in a config file: where (key path, line:column when known) and why. */
export interface ConfigProblem {
  keyPath: string;
  line: number | null;
  column: number | null;
  message: string;
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(problems.map((p) => formatProblem(file, p)).join('\n'));
    this.name = 'ConfigError';
  }
}

export function formatProblem(file: string, p: ConfigProblem): string {
  const where = p.line !== null ? `${file}:${p.line}:${p.column ?? 1}` : file;
  // Key names come from the file: a newline in one must not forge a second problem line.
  const keyPath = p.keyPath.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
  return keyPath ? `${where}: ${keyPath}: ${p.message}` : `${where}: ${p.message}`;
}
