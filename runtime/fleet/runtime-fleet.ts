// Fleet mode for one Runtime (issue 15): built from the `fleet` block, or nothing without it (caps
// per runtime, as before). Kept out of runtime.ts, which only holds the result and asks it.
import type { Admission } from '../policy/admission';
import type { Clock } from '../policy/clock';
import { ConfigError, type OpenrtcConfig } from '../config/types';
import { FleetAdmission } from './fleet-admission';
import { RedisLink } from './redis-link';
import { newRuntimeId } from './runtime-id';
import { FleetSettingsError, resolveFleetSettings, type FleetSettings } from './settings';

export interface RuntimeFleetDeps {
  admission: Admission;
  clock: Clock;
  log: (level: 'info' | 'warn' | 'error', tenant: string | null, message: string) => void;
}

export function createRuntimeFleet(settings: FleetSettings | null, deps: RuntimeFleetDeps): FleetAdmission | null {
  if (settings === null) return null;
  const { admission } = deps;
  return new FleetAdmission({
    link: new RedisLink(settings.redisUrl),
    settings,
    runtimeId: newRuntimeId(),
    clock: deps.clock,
    caps: (slot) => ({
      tenant: admission.tenantCap(slot.tenant),
      agent: admission.agentCap(slot.agent),
      worker: admission.maxConcurrentSessions,
    }),
    log: deps.log,
  });
}

/** The block resolved at start; a bad URL variable is a config problem (`openrtc run` refuses to start). */
export function fleetSettingsAtStart(
  config: OpenrtcConfig,
  configPath: string | null,
  env: NodeJS.ProcessEnv,
): FleetSettings | null {
  try {
    return resolveFleetSettings(config.fleet, env);
  } catch (err) {
    if (!(err instanceof FleetSettingsError)) throw err;
    const problem = { keyPath: 'fleet.redis_url_env', line: null, column: null, message: err.message };
    throw new ConfigError(configPath ?? 'openrtc.json', [problem]);
  }
}

/** The block is read once at start: a change needs a restart (leases are not moved between stores). */
export function fleetBlockChanged(previous: OpenrtcConfig, next: OpenrtcConfig): boolean {
  return JSON.stringify(previous.fleet ?? null) !== JSON.stringify(next.fleet ?? null);
}
