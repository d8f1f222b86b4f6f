// Two questions the runtime asks about a tenant id: is the tenant in use now (so its counters
// are never folded, tenant-retention.ts), and has the runtime heard of it at all (so a control
// request naming it is not a typo)? Answered from the parts that hold tenant state.
import type { OpenrtcConfig } from '../config/types';
import type { IsolationManager } from '../isolation/isolation-manager';
import type { Admission } from '../policy/admission';
import type { BreakerGate } from '../policy/breaker';
import type { SessionManager } from './session-manager';

export interface TenantStateHolders {
  admission: Pick<Admission, 'activeForTenant' | 'hasOwnCap' | 'knownTenants'>;
  breakers: Pick<BreakerGate, 'isTracked' | 'trackedTenants'>;
  isolation: Pick<IsolationManager, 'isIsolated'>;
  manager: Pick<SessionManager, 'tenants'>;
  /** The config in force (a reload replaces it). */
  config: () => OpenrtcConfig;
  /** Kept isolated across restarts (engine/isolation-memory.ts). */
  remembered: (tenant: string) => boolean;
}

/** openrtc.json gives the tenant settings of its own (config or isolation). */
function namedInConfig(tenant: string, config: OpenrtcConfig): boolean {
  return Object.hasOwn(config.tenant_config, tenant) || Object.hasOwn(config.tenant_isolation, tenant);
}

/** Never folded: sessions, a cap, breaker or process of its own, or a config entry. */
export function tenantInUse(tenant: string, s: TenantStateHolders): boolean {
  return (
    s.admission.activeForTenant(tenant) > 0 ||
    s.admission.hasOwnCap(tenant) ||
    s.breakers.isTracked(tenant) ||
    s.isolation.isIsolated(tenant) ||
    s.remembered(tenant) ||
    namedInConfig(tenant, s.config())
  );
}

/** A tenant the runtime has seen (sessions, rejections, cap, breaker) or that openrtc.json names. */
export function knownTenant(tenant: string, s: TenantStateHolders): boolean {
  return (
    s.manager.tenants.has(tenant) ||
    s.admission.knownTenants().includes(tenant) ||
    s.breakers.trackedTenants().includes(tenant) ||
    namedInConfig(tenant, s.config()) ||
    s.remembered(tenant) ||
    Object.hasOwn(s.config().max_sessions_per_tenant, tenant)
  );
}
