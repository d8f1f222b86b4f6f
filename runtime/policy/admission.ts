// Admission (DESIGN §3.3): one synchronous chain, outermost first:
//   draining → invalid tenant id → unknown agent → breaker → tenant cap → agent cap → worker cap → accept.
// Caps are exact because the slot is reserved in the same synchronous call that checks it and only
// released when the session ends: there is no await between check and reservation, so a burst
// cannot overshoot. Lowering a cap never touches live sessions; new ones are refused until below.
import type { RejectionReason } from '../../protocol/control';
import type { TenantBreakers } from './breaker';
import { tenantIdProblem } from '../../protocol/tenant-id';

export const DEFAULT_CAP_KEY = '*';

export interface CapSettings {
  maxConcurrentSessions: number;
  /** tenant → cap; key "*" is the cap for tenants not listed. */
  tenantCaps: Readonly<Record<string, number>>;
  agentCaps: Readonly<Record<string, number>>;
}

export interface AdmissionRequest {
  /** As requested (`metadata.tenant` or "default"); validated here. */
  tenant: unknown;
  agent: string;
}

export interface Slot {
  readonly tenant: string;
  readonly agent: string;
  /** Admitted as a half-open breaker probe. */
  readonly probe: boolean;
}

export type AdmissionResult =
  { ok: true; slot: Slot } | { ok: false; reason: RejectionReason; tenant: string | null; message: string };

export class Admission {
  private caps: CapSettings;
  /** Run-time overrides (control API); they win over the config until cleared with null. */
  private readonly capOverrides = new Map<string, number | null>();
  private draining = false;
  private readonly activeByTenant = new Map<string, number>();
  private readonly activeByAgent = new Map<string, number>();
  private active = 0;
  private readonly live = new WeakSet<Slot>();
  private readonly rejections = new Map<string, Partial<Record<RejectionReason, number>>>();
  private invalidTenantRejections = 0;

  constructor(
    caps: CapSettings,
    private readonly breakers: TenantBreakers,
    private readonly agentExists: (name: string) => boolean,
  ) {
    this.caps = caps;
  }

  setCaps(caps: CapSettings): void {
    this.caps = caps;
  }

  /** null removes the run-time override, so the config (or "*") applies again. */
  setTenantCap(tenant: string, cap: number | null): void {
    if (cap === null) this.capOverrides.delete(tenant);
    else this.capOverrides.set(tenant, cap);
  }

  tenantCap(tenant: string): number | null {
    const override = this.capOverrides.get(tenant);
    if (override !== undefined) return override;
    return this.caps.tenantCaps[tenant] ?? this.caps.tenantCaps[DEFAULT_CAP_KEY] ?? null;
  }

  agentCap(agent: string): number | null {
    return this.caps.agentCaps[agent] ?? null;
  }

  get maxConcurrentSessions(): number {
    return this.caps.maxConcurrentSessions;
  }

  setDraining(draining: boolean): void {
    this.draining = draining;
  }

  isDraining(): boolean {
    return this.draining;
  }

  admit(req: AdmissionRequest): AdmissionResult {
    const problem = tenantIdProblem(req.tenant);
    if (this.draining) {
      return this.reject(
        problem ? null : (req.tenant as string),
        'draining',
        `Rejecting session for tenant ${this.label(req.tenant)}: worker is draining.`,
      );
    }
    if (problem !== null) {
      this.invalidTenantRejections++;
      return {
        ok: false,
        reason: 'invalid_tenant',
        tenant: null,
        message: `Rejecting session: invalid tenant id: ${problem}.`,
      };
    }
    const tenant = req.tenant as string;
    if (!this.agentExists(req.agent)) {
      return this.reject(
        tenant,
        'unknown_agent',
        `Rejecting session for tenant '${tenant}': no agent named ${JSON.stringify(req.agent)}.`,
      );
    }
    if (!this.breakers.check(tenant).allowed) {
      return this.reject(tenant, 'circuit_open', `Rejecting session for tenant '${tenant}': circuit breaker open.`);
    }
    const tenantCap = this.tenantCap(tenant);
    if (tenantCap !== null && (this.activeByTenant.get(tenant) ?? 0) >= tenantCap) {
      return this.reject(
        tenant,
        'tenant_cap',
        `Rejecting session for tenant '${tenant}': at per-tenant cap (${tenantCap}).`,
      );
    }
    const agentCap = this.agentCap(req.agent);
    if (agentCap !== null && (this.activeByAgent.get(req.agent) ?? 0) >= agentCap) {
      return this.reject(
        tenant,
        'agent_cap',
        `Rejecting session for agent '${req.agent}': at per-agent cap (${agentCap}).`,
      );
    }
    if (this.active >= this.caps.maxConcurrentSessions) {
      return this.reject(
        tenant,
        'worker_cap',
        `Rejecting session for tenant '${tenant}': worker at max_concurrent_sessions (${this.caps.maxConcurrentSessions}).`,
      );
    }
    const slot: Slot = { tenant, agent: req.agent, probe: this.breakers.admitted(tenant) };
    this.live.add(slot);
    this.active++;
    this.activeByTenant.set(tenant, (this.activeByTenant.get(tenant) ?? 0) + 1);
    this.activeByAgent.set(req.agent, (this.activeByAgent.get(req.agent) ?? 0) + 1);
    return { ok: true, slot };
  }

  /** Frees the slot; idempotent, so every end path may call it. */
  release(slot: Slot): void {
    if (!this.live.delete(slot)) return;
    this.active--;
    decrement(this.activeByTenant, slot.tenant);
    decrement(this.activeByAgent, slot.agent);
  }

  activeTotal(): number {
    return this.active;
  }

  activeForTenant(tenant: string): number {
    return this.activeByTenant.get(tenant) ?? 0;
  }

  activeTenants(): ReadonlyMap<string, number> {
    return this.activeByTenant;
  }

  activeAgents(): ReadonlyMap<string, number> {
    return this.activeByAgent;
  }

  rejectionsFor(tenant: string): Partial<Record<RejectionReason, number>> {
    return { ...this.rejections.get(tenant) };
  }

  /** Drops a tenant's rejection counts (it is being folded) and returns them. */
  takeRejections(tenant: string): Partial<Record<RejectionReason, number>> {
    const counts = this.rejections.get(tenant) ?? {};
    this.rejections.delete(tenant);
    return counts;
  }

  /** A cap of its own (set at run time or in the config): the tenant is kept in the snapshot however long idle. */
  hasOwnCap(tenant: string): boolean {
    return this.capOverrides.has(tenant) || (tenant !== DEFAULT_CAP_KEY && Object.hasOwn(this.caps.tenantCaps, tenant));
  }

  /** Tenants with rejections or a cap of their own: they belong in the snapshot even when idle. */
  knownTenants(): string[] {
    const names = new Set<string>([
      ...this.rejections.keys(),
      ...this.capOverrides.keys(),
      ...this.activeByTenant.keys(),
    ]);
    for (const t of Object.keys(this.caps.tenantCaps)) if (t !== DEFAULT_CAP_KEY) names.add(t);
    return [...names];
  }

  invalidTenantRejectionCount(): number {
    return this.invalidTenantRejections;
  }

  /** A refusal decided after admit() (the fleet's lease), counted with this tenant's others. */
  refused(tenant: string, reason: RejectionReason, message: string): AdmissionResult {
    return this.reject(tenant, reason, message);
  }

  private reject(tenant: string | null, reason: RejectionReason, message: string): AdmissionResult {
    if (tenant !== null) {
      const counts = this.rejections.get(tenant) ?? {};
      counts[reason] = (counts[reason] ?? 0) + 1;
      this.rejections.set(tenant, counts);
    }
    return { ok: false, reason, tenant, message };
  }

  private label(tenant: unknown): string {
    return tenantIdProblem(tenant) === null ? `'${tenant as string}'` : '(invalid id)';
  }
}

function decrement(map: Map<string, number>, key: string): void {
  const n = (map.get(key) ?? 0) - 1;
  if (n <= 0) map.delete(key);
  else map.set(key, n);
}
