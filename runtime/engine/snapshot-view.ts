// What the runtime shows of itself: the engine's snapshot (engine/snapshot.ts) with the parts that
// live beside the engine filled in: isolated tenants' sessions and children (runtime/isolation),
// why a tenant was isolated (auto-isolation, stall recovery), its fleet view, the LiveKit worker
// and fleet blocks.
import type { LiveKitWorkerSnapshot, RuntimeSnapshot, SessionRow, TenantSnapshot } from '../../protocol/control';
import type { FleetAdmission } from '../fleet/fleet-admission';
import type { FleetShared } from '../fleet/fleet-shared';
import type { IsolationManager } from '../isolation/isolation-manager';
import type { SessionAttribution } from '../loop-health/attribution-seam';
import type { LoopLagMonitor } from '../loop-health/loop-lag';
import type { AutoIsolation } from './auto-isolation';
import { buildSnapshot, sessionRows, tenantSnapshot, type SnapshotSources } from './snapshot';
import type { StallRecovery } from './stall-recovery';

/** What engine/snapshot.ts reads, less what this view supplies itself, plus the parts beside the engine. */
export interface SnapshotViewParts extends Omit<SnapshotSources, 'attribution' | 'loopLag'> {
  /** Shared-loop attribution; null until it has started (or when the runtime runs without it). */
  attribution(): SessionAttribution | null;
  /** The loop-lag reading used when attribution does not measure it. */
  lag: LoopLagMonitor;
  isolation: IsolationManager;
  autoIsolation: AutoIsolation;
  stallRecovery: StallRecovery;
  shared: FleetShared | null;
  fleet: FleetAdmission | null;
}

export class SnapshotView {
  /** Where the `livekit` block comes from while worker mode runs; null otherwise. */
  private liveKit: (() => LiveKitWorkerSnapshot[]) | null = null;

  constructor(private readonly parts: SnapshotViewParts) {}

  setLiveKitView(view: (() => LiveKitWorkerSnapshot[]) | null): void {
    this.liveKit = view;
  }

  snapshot(draining: boolean, withSessions = true): RuntimeSnapshot {
    const { isolation } = this.parts;
    const snap = buildSnapshot(this.sources(), draining, withSessions);
    const rows = this.sessions();
    const tenants: Record<string, TenantSnapshot> = {};
    for (const t of new Set([...Object.keys(snap.tenants), ...isolation.isolatedTenants()])) {
      tenants[t] = this.withReason(
        t,
        isolation.decorateTenant(t, snap.tenants[t] ?? tenantSnapshot(this.sources(), t, rows), rows),
      );
    }
    const livekit = this.liveKit?.();
    const fleet = this.parts.fleet?.status();
    return {
      ...snap,
      tenants,
      sessions: withSessions ? rows : [],
      ...(livekit ? { livekit } : {}),
      ...(fleet ? { fleet } : {}),
    };
  }

  sessions(): SessionRow[] {
    return this.parts.isolation.decorateRows(sessionRows(this.sources()));
  }

  tenant(tenant: string): TenantSnapshot {
    const rows = this.sessions();
    return this.withReason(
      tenant,
      this.parts.isolation.decorateTenant(tenant, tenantSnapshot(this.sources(), tenant, rows), rows),
    );
  }

  private withReason(tenant: string, snap: TenantSnapshot): TenantSnapshot {
    const { autoIsolation, stallRecovery, shared } = this.parts;
    const reason = autoIsolation.reasonOf(tenant) ?? stallRecovery.reasonOf(tenant);
    const withFleet = shared ? { ...snap, fleet: shared.tenantFleet(tenant, snap) } : snap;
    return reason && snap.isolation === 'process' ? { ...withFleet, isolation_reason: reason } : withFleet;
  }

  private sources(): SnapshotSources {
    const p = this.parts;
    const attribution = p.attribution();
    return {
      clock: p.clock,
      startedAtMs: p.startedAtMs,
      manager: p.manager,
      admission: p.admission,
      breakers: p.breakers,
      registry: p.registry,
      attribution,
      loopLag: () => attribution?.loopLag() ?? p.lag.read(),
    };
  }
}
