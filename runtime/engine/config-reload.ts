// Applies an edited openrtc.json to the running runtime (`reloadConfig`, and the file watcher):
// a file that does not load changes nothing; otherwise caps, breaker defaults, the slow threshold,
// agents and isolation follow the new file, and keys that only apply at start are logged as such.
import type { ReloadConfigResult, RuntimeEvent } from '../../protocol/control';
import { messageOf } from '../../protocol/errors';
import type { AgentRegistry } from '../agents/registry';
import { breakerDefaultsFromConfig, capsFromConfig } from '../config/apply';
import { loadConfigFile } from '../config/load';
import type { OpenrtcConfig } from '../config/types';
import { fleetBlockChanged } from '../fleet/runtime-fleet';
import type { IsolationManager } from '../isolation/isolation-manager';
import { RUNTIME_LOGGER, type RuntimeLog } from '../log-writer/log';
import type { Admission } from '../policy/admission';
import type { BreakerGate } from '../policy/breaker';
import { isoTime, type Clock } from '../policy/clock';
import type { SlowThreshold } from './slow-threshold';

/** Keys read once at start (files opened, the metrics timer); a change waits for a restart. */
const RESTART_KEYS = ['log_file', 'metrics_jsonl', 'metrics_interval_s'] as const;

export interface ConfigReloadParts {
  workspaceDir: string;
  /** null: the runtime runs on built-in defaults and has no file to reload. */
  configPath: string | null;
  /** The running config, and how a reloaded one replaces it. */
  current(): OpenrtcConfig;
  adopt(next: OpenrtcConfig): void;
  clock: Clock;
  log: RuntimeLog;
  emit(event: RuntimeEvent): void;
  admission: Admission;
  breakers: BreakerGate;
  registry: AgentRegistry;
  isolation: IsolationManager;
  threshold: SlowThreshold;
  /** Re-applies `loop_stall_exit_s` once the new config is in force. */
  applyStallExit(): void;
}

export class ConfigReloader {
  constructor(private readonly parts: ConfigReloadParts) {}

  async reload(): Promise<ReloadConfigResult> {
    const p = this.parts;
    if (!p.configPath) return { ok: false, error: `no openrtc.json in ${p.workspaceDir}; running on defaults` };
    let next: OpenrtcConfig;
    try {
      next = await loadConfigFile(p.configPath);
    } catch (err) {
      const error = messageOf(err);
      p.log.write('error', null, RUNTIME_LOGGER, `[config] reload failed; keeping the running config:\n${error}`);
      p.emit({ type: 'config_reloaded', ts: isoTime(p.clock), ok: false, error });
      return { ok: false, error };
    }
    const previous = p.current();
    if (fleetBlockChanged(previous, next)) {
      p.log.write('warn', null, RUNTIME_LOGGER, '[config] the fleet block changed: it applies at the next start');
      next = { ...next, fleet: previous.fleet };
    }
    p.adopt(next);
    p.admission.setCaps(capsFromConfig(next));
    p.breakers.setDefaults(breakerDefaultsFromConfig(next));
    p.threshold.configChanged(previous.slow_session_threshold_ms, next.slow_session_threshold_ms);
    if (JSON.stringify(next.agents) !== JSON.stringify(previous.agents)) await p.registry.setSpec(next.agents);
    for (const key of RESTART_KEYS) {
      if (next[key] !== previous[key])
        p.log.write('warn', null, RUNTIME_LOGGER, `[config] ${key} changed; takes effect on restart`);
    }
    await p.isolation.applyConfig(next);
    p.applyStallExit();
    p.log.write('info', null, RUNTIME_LOGGER, '[config] reloaded; caps and breaker settings applied');
    p.emit({ type: 'config_reloaded', ts: isoTime(p.clock), ok: true, error: null });
    return { ok: true, error: null };
  }
}
