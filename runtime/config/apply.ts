// Maps a validated config onto the policy modules' settings.
import type { CapSettings } from '../policy/admission';
import type { BreakerSettings } from '../policy/breaker';
import type { OpenrtcConfig } from './types';

export function capsFromConfig(c: OpenrtcConfig): CapSettings {
  return {
    maxConcurrentSessions: c.max_concurrent_sessions,
    tenantCaps: { ...c.max_sessions_per_tenant },
    agentCaps: { ...c.max_sessions_per_agent },
  };
}

export function breakerDefaultsFromConfig(c: OpenrtcConfig): BreakerSettings {
  return {
    enabled: c.enable_tenant_circuit_breaker,
    cooldownS: c.tenant_circuit_cooldown_s,
    failureRatio: c.tenant_circuit_failure_ratio,
    minSamples: c.tenant_circuit_min_samples,
    windowS: c.tenant_circuit_window_s,
    maxCooldownS: c.tenant_circuit_max_cooldown_s,
    halfOpenProbes: c.tenant_circuit_half_open_probes,
  };
}
