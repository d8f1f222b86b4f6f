// What a runtime shares with its fleet besides leases (issue 15, Deliver 3 and 4): the breaker gate,
// the tenants' run-time settings, and the fleet figures the snapshot shows per tenant. One pub/sub
// connection serves both announcement channels (a subscribed connection can run nothing else).
// Built by runtime.ts only when a `fleet` block is configured; it holds no policy of its own.
import type { Redis } from 'ioredis';
import type { TenantSnapshot } from '../../protocol/control';
import type { TenantFleetSnapshot } from '../../protocol/fleet';
import type { BreakerTransition, TenantBreakers } from '../policy/breaker';
import type { Clock } from '../policy/clock';
import { FleetBreakerStore } from './fleet-breaker-store';
import { FleetBreakers } from './fleet-breakers';
import { fleetKeys, type FleetKeys } from './keys';
import { fleetTenantCounts } from './lease-store';
import type { RedisLink } from './redis-link';
import type { FleetLink } from './runtime-fleet';
import type { FleetSettings } from './settings';
import { TenantSettingsSync, type SharedTenantSettings } from './tenant-settings-sync';

export interface FleetSharedDeps {
  link: RedisLink;
  runtimeId: string;
  keyPrefix: string;
  /** How long a probe claim holds without renewal: the lease TTL, for the same reason (a dead runtime). */
  claimTtlMs: number;
  /** The per-runtime breaker: settings, and the decisions while Redis is away. */
  local: TenantBreakers;
  clock: Clock;
  /** A tenant's cap changed fleet-wide: apply it to this runtime's admission. */
  applyCap: (tenant: string, cap: number | null) => void;
  onTransition: (t: BreakerTransition, decidedBy: string) => void;
  log: (level: 'info' | 'warn', tenant: string | null, line: string) => void;
  /** Breaker poll period (default 250 ms). */
  pollMs?: number;
}

/** How stale the fleet-wide active counts may be before a snapshot asks Redis again. */
const ACTIVE_REFRESH_MS = 250;

export class FleetShared {
  readonly breakers: FleetBreakers;
  private readonly settingsSync: TenantSettingsSync;
  private readonly subscriber: Redis;
  private readonly keys: FleetKeys;
  private readonly active = new Map<string, number>();
  /** Tenants the snapshots asked about: the next refresh counts these. */
  private readonly wanted = new Set<string>();
  private activeAtMs = -Infinity;
  private refreshing = false;
  private unsubscribeLink: (() => void) | null = null;

  constructor(private readonly deps: FleetSharedDeps) {
    this.keys = fleetKeys(deps.keyPrefix);
    const redis = deps.link.redis;
    this.subscriber = redis.duplicate();
    // Outages are the link's to report (its state and log line); the subscriber just reconnects.
    this.subscriber.on('error', () => undefined);
    const warn = (tenant: string | null, line: string): void => deps.log('warn', tenant, line);
    this.breakers = new FleetBreakers({
      local: deps.local,
      store: new FleetBreakerStore(redis, this.keys),
      subscriber: this.subscriber,
      channel: this.keys.breakerChannel(),
      runtimeId: deps.runtimeId,
      clock: deps.clock,
      fleetUp: () => deps.link.state === 'up',
      onTransition: deps.onTransition,
      warn,
      claimTtlMs: deps.claimTtlMs,
      ...(deps.pollMs !== undefined ? { pollMs: deps.pollMs } : {}),
    });
    this.settingsSync = new TenantSettingsSync({
      redis,
      subscriber: this.subscriber,
      keys: this.keys,
      apply: (tenant, s) => this.applyShared(tenant, s),
      warn,
    });
  }

  /** Call once the link is opening: subscribes, starts the breaker poll, reads the shared settings whenever the link comes up. */
  start(): void {
    this.breakers.start();
    this.settingsSync.start();
    const load = (): void =>
      void this.settingsSync
        .loadAll()
        .catch((err: unknown) => this.deps.log('warn', null, `[fleet] reading tenant settings failed: ${String(err)}`));
    this.unsubscribeLink = this.deps.link.onState((state) => {
      if (state === 'up') load();
    });
    if (this.deps.link.state === 'up') load();
  }

  async stop(): Promise<void> {
    this.unsubscribeLink?.();
    this.breakers.dispose();
    this.subscriber.disconnect();
    await Promise.resolve();
  }

  /**
   * An operator changed a tenant here (control API: CLI or extension); it is applied here already.
   * Stored and announced for the fleet; while Redis is away it holds on this runtime only, and says so.
   */
  tenantChanged(tenant: string, change: SharedTenantSettings): void {
    if (this.deps.link.state !== 'up') {
      this.deps.log(
        'warn',
        tenant,
        `[fleet] Redis unavailable: the change to tenant '${tenant}' applies on this runtime only`,
      );
      return;
    }
    void this.settingsSync
      .publish(tenant, change)
      .catch((err: unknown) =>
        this.deps.log(
          'warn',
          tenant,
          `[fleet] the change to tenant '${tenant}' applies on this runtime only: ${String(err)}`,
        ),
      );
  }

  /** The tenant's fleet figures for the snapshot; the active count is at most ACTIVE_REFRESH_MS old (or null while Redis is away). */
  tenantFleet(tenant: string, snap: TenantSnapshot): TenantFleetSnapshot {
    this.refreshActive(tenant);
    const up = this.deps.link.state === 'up';
    return {
      active: up ? (this.active.get(tenant) ?? snap.active) : null,
      cap: snap.cap,
      breaker: this.breakers.fleetView(tenant),
    };
  }

  private applyShared(tenant: string, s: SharedTenantSettings): void {
    if (s.cap !== undefined) this.deps.applyCap(tenant, s.cap);
    if (s.breaker && Object.keys(s.breaker).length) this.breakers.setTenantSettings(tenant, s.breaker);
  }

  /** One script for every tenant the snapshots asked about since the last one: a snapshot never waits for Redis. */
  private refreshActive(tenant: string): void {
    this.wanted.add(tenant);
    const now = this.deps.clock.now();
    if (this.refreshing || now - this.activeAtMs < ACTIVE_REFRESH_MS || this.deps.link.state !== 'up') return;
    this.refreshing = true;
    this.activeAtMs = now;
    const tenants = [...this.wanted];
    this.wanted.clear();
    void fleetTenantCounts(this.deps.link.redis, this.keys, tenants)
      .then((counts) => {
        this.active.clear();
        for (const [t, n] of counts) this.active.set(t, n);
      })
      .catch(() => undefined)
      .finally(() => {
        this.refreshing = false;
      });
  }
}

export type FleetSharedOptions = Omit<FleetSharedDeps, 'link' | 'runtimeId' | 'keyPrefix' | 'claimTtlMs'>;

/** Null without a `fleet` block: breakers stay per runtime. */
export function createFleetShared(
  settings: FleetSettings | null,
  fleetLink: FleetLink | null,
  opts: FleetSharedOptions,
): FleetShared | null {
  if (settings === null || fleetLink === null) return null;
  return new FleetShared({
    ...opts,
    link: fleetLink.link,
    runtimeId: fleetLink.runtimeId,
    keyPrefix: settings.keyPrefix,
    claimTtlMs: settings.leaseTtlMs,
  });
}
