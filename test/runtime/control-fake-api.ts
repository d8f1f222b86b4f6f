// A ControlApi that records calls, for the control-server tests: the server's job is framing,
// validation and dispatch, and these tests check exactly that nothing reaches the API on a bad
// request. (The end-to-end CLI tests run against the real Runtime.)
import {
  PROTOCOL_VERSION,
  noFoldedTenants,
  type ControlApi,
  type RuntimeEvent,
  type RuntimeSnapshot,
  type TenantSnapshot,
} from '../../protocol/control';
import { METHOD_NAMES } from '../../protocol/methods';
import { unknownTenant } from '../../protocol/placeholders';

export const emptyTenant: TenantSnapshot = unknownTenant();

export const emptySnapshot: RuntimeSnapshot = {
  timestamp: 0,
  uptime_seconds: 1,
  registered_agents: 0,
  active_sessions: 0,
  total_sessions_started: 0,
  total_session_failures: 0,
  last_error: null,
  sessions_by_agent: {},
  sessions_by_tenant: {},
  max_concurrent_sessions: 50,
  tenants: {},
  folded_tenants: noFoldedTenants(),
  loop_lag: { p50_ms: 0, p99_ms: 0, max_ms: 0 },
  rss_mb: 0,
  draining: false,
  sessions: [],
};

export class RecordingApi implements ControlApi {
  readonly calls: { method: string; params: unknown }[] = [];
  private listeners = new Set<(event: RuntimeEvent) => void>();

  get listenerCount(): number {
    return this.listeners.size;
  }

  emit(event: RuntimeEvent): void {
    for (const l of this.listeners) l(event);
  }

  private record(method: string, params: unknown = undefined): void {
    this.calls.push({ method, params });
  }

  hello(params: Parameters<ControlApi['hello']>[0]) {
    this.record('hello', params);
    return {
      protocol_version: PROTOCOL_VERSION,
      runtime_version: 'test',
      pid: process.pid,
      node_version: process.version,
      workspace: '/tmp',
      config_path: null,
      log_file: '/tmp/x.jsonl',
      capabilities: [...METHOD_NAMES],
    };
  }
  snapshot() {
    this.record('snapshot');
    return emptySnapshot;
  }
  sessions() {
    this.record('sessions');
    return [];
  }
  async startCalls(params: Parameters<ControlApi['startCalls']>[0]) {
    this.record('startCalls', params);
    return { started: 1, succeeded: 1, failed: 0, cancelled: 0, rejected: {}, sessions: ['s1'] };
  }
  cancelSession(params: Parameters<ControlApi['cancelSession']>[0]) {
    this.record('cancelSession', params);
  }
  setTenantCap(params: Parameters<ControlApi['setTenantCap']>[0]) {
    this.record('setTenantCap', params);
    return { ...emptyTenant, cap: params.cap };
  }
  setBreaker(params: Parameters<ControlApi['setBreaker']>[0]) {
    this.record('setBreaker', params);
    return { ...emptyTenant.breaker, cooldown_s: params.cooldown_s ?? 30 };
  }
  setSlowThreshold(params: Parameters<ControlApi['setSlowThreshold']>[0]) {
    this.record('setSlowThreshold', params);
  }
  async isolateTenant(params: Parameters<ControlApi['isolateTenant']>[0]) {
    this.record('isolateTenant', params);
    return { ...emptyTenant, isolation: 'process' as const };
  }
  async restoreTenant(params: Parameters<ControlApi['restoreTenant']>[0]) {
    this.record('restoreTenant', params);
    return emptyTenant;
  }
  async drain(params: Parameters<ControlApi['drain']>[0]) {
    this.record('drain', params);
  }
  async reloadConfig() {
    this.record('reloadConfig');
    return { ok: true, error: null };
  }
  async logs(params: Parameters<ControlApi['logs']>[0]) {
    this.record('logs', params);
    return { records: [], skipped_lines: 0, end_offset: 0 };
  }
  onEvent(listener: (event: RuntimeEvent) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
