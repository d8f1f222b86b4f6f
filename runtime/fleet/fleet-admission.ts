// The fleet half of admission (issue 15, Deliver 1 and 2). Local admission (runtime/policy/
// admission.ts) has already taken a slot in this runtime, synchronously; this then takes the
// session's lease in Redis, in one script, or refuses. It renews every lease it holds while the
// sessions live, releases each at its end, and after Redis returns from an outage re-creates the
// leases of every live session (the rebuild), so fleet counts are true again. While Redis cannot
// be reached `on_unavailable` decides: fail_open admits on local limits (and says so once in the
// log and in status()), fail_closed refuses with fleet_unavailable.
import type { FleetRuntimeStatus } from '../../protocol/fleet-status';
import { messageOf } from '../../protocol/errors';
import type { Slot } from '../policy/admission';
import type { Clock, TimerHandle } from '../policy/clock';
import {
  fleetMode,
  linkChangeMessage,
  renewIntervalMs,
  verdictOfReply,
  verdictWhenUnavailable,
  type FleetVerdict,
} from './fleet-policy';
import { fleetKeys } from './keys';
import { LeaseStore, type LeaseCaps, type LeaseRef } from './lease-store';
import type { LinkState, RedisLink } from './redis-link';
import type { FleetSettings } from './settings';

export interface FleetAdmissionDeps {
  link: RedisLink;
  settings: FleetSettings;
  runtimeId: string;
  clock: Clock;
  /** The caps that hold for this slot right now (config and run-time overrides). */
  caps: (slot: Slot) => LeaseCaps;
  log: (level: 'info' | 'warn' | 'error', tenant: string | null, message: string) => void;
}

export class FleetAdmission {
  private readonly leases = new Map<Slot, LeaseRef>();
  private readonly store: LeaseStore;
  private leaseCounter = 0;
  private renewTimer: TimerHandle | null = null;
  private unavailableSinceMs: number | null = null;
  private lastError: string | null = null;
  private rebuilds = 0;
  private joined = false;
  private stopped = false;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly deps: FleetAdmissionDeps) {
    this.store = new LeaseStore(deps.link.redis, fleetKeys(deps.settings.keyPrefix), deps.runtimeId);
  }

  /** Opens the link (an unreachable Redis is an outage, not a start failure) and starts renewing. */
  async start(): Promise<void> {
    this.unsubscribe = this.deps.link.onState((state) => void this.onLink(state));
    await this.deps.link.open();
    this.scheduleRenew();
  }

  /** Takes the session's fleet lease, or refuses; the caller gives the local slot back on a refusal. */
  async acquire(slot: Slot): Promise<FleetVerdict> {
    const lease: LeaseRef = {
      id: `${this.deps.runtimeId}#${++this.leaseCounter}`,
      tenant: slot.tenant,
      agent: slot.agent,
    };
    if (this.deps.link.state !== 'up') return this.unavailable(slot, lease);
    const caps = this.deps.caps(slot);
    let verdict: FleetVerdict;
    try {
      verdict = verdictOfReply(await this.store.acquire(lease, this.deps.settings.leaseTtlMs, caps), slot, caps);
    } catch (err) {
      // A timeout or a connection lost mid-call: Redis could not be asked. If the script did run,
      // the lease it left is never renewed and expires after the TTL.
      this.lastError = messageOf(err);
      return this.unavailable(slot, lease);
    }
    if (verdict.ok) this.leases.set(slot, lease);
    return verdict;
  }

  /** The session ended (or its reservation lapsed); idempotent. Unsent while down: the lease expires. */
  release(slot: Slot): void {
    const lease = this.leases.get(slot);
    if (!lease) return;
    this.leases.delete(slot);
    if (this.deps.link.state === 'up')
      this.store.release(lease).catch((err: unknown) => (this.lastError = messageOf(err)));
  }

  leaseCount(): number {
    return this.leases.size;
  }

  status(): FleetRuntimeStatus {
    const { settings, link, runtimeId, clock } = this.deps;
    const up = link.state === 'up';
    return {
      runtime_id: runtimeId,
      redis: link.status().redis,
      key_prefix: settings.keyPrefix,
      link: link.state,
      on_unavailable: settings.onUnavailable,
      mode: fleetMode(up, settings.onUnavailable),
      lease_ttl_s: settings.leaseTtlMs / 1000,
      leases: this.leases.size,
      unavailable_since:
        this.unavailableSinceMs === null
          ? null
          : new Date(clock.wallTime() - (clock.now() - this.unavailableSinceMs)).toISOString(),
      last_error: up ? null : (link.status().lastError ?? this.lastError),
      rebuilds: this.rebuilds,
    };
  }

  /** Gives back every lease still held (their sessions are gone or going) and closes the link. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.renewTimer?.cancel();
    this.unsubscribe?.();
    if (this.deps.link.state === 'up') {
      const held = [...this.leases.values()];
      this.leases.clear();
      await Promise.allSettled(held.map((l) => this.store.release(l)));
      await this.deps.link.redis
        .del(fleetKeys(this.deps.settings.keyPrefix).runtimeInfo(this.deps.runtimeId))
        .catch(() => 0);
    }
    await this.deps.link.close();
  }

  private unavailable(slot: Slot, lease: LeaseRef): FleetVerdict {
    const verdict = verdictWhenUnavailable(this.deps.settings.onUnavailable, slot);
    // Admitted on local limits: remembered, so the rebuild gives it a lease when Redis returns.
    if (verdict.ok) this.leases.set(slot, lease);
    return verdict;
  }

  private async onLink(state: LinkState): Promise<void> {
    if (this.stopped) return;
    const { settings, log } = this.deps;
    const redis = this.deps.link.status().redis;
    if (state === 'up') {
      this.unavailableSinceMs = null;
      const rebuilt = await this.renew();
      if (!this.joined) {
        this.joined = true;
        log(
          'info',
          null,
          `fleet: joined at ${redis} as ${this.deps.runtimeId} (key prefix ${JSON.stringify(settings.keyPrefix)}, lease TTL ${settings.leaseTtlMs / 1000} s, on_unavailable=${settings.onUnavailable})`,
        );
        return;
      }
      this.rebuilds++;
      const line = linkChangeMessage(true, false, settings.onUnavailable, redis, null, rebuilt);
      if (line) log('info', null, line);
      return;
    }
    if (this.unavailableSinceMs !== null) return;
    this.unavailableSinceMs = this.deps.clock.now();
    const line = linkChangeMessage(false, true, settings.onUnavailable, redis, this.deps.link.status().lastError, 0);
    if (line) log('warn', null, line);
  }

  private scheduleRenew(): void {
    if (this.stopped) return;
    this.renewTimer = this.deps.clock.setTimer(renewIntervalMs(this.deps.settings.leaseTtlMs), () => {
      void this.renew().finally(() => this.scheduleRenew());
    });
  }

  /** Extends every held lease (re-creating any Redis lost); returns how many, 0 when Redis is away. */
  private async renew(): Promise<number> {
    if (this.deps.link.state !== 'up') return 0;
    try {
      return await this.store.renew(
        [...this.leases.values()],
        this.deps.settings.leaseTtlMs,
        JSON.stringify(this.status()),
      );
    } catch (err) {
      this.lastError = messageOf(err);
      return 0;
    }
  }
}
