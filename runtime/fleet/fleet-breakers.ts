// The breaker gate admission asks when a `fleet` block is configured (issue 15, Deliver 3). Admission
// is synchronous, so it reads a local mirror of the fleet's records; every change to the mirror comes
// from Redis: pub/sub announcements (milliseconds) and a poll of the revision (every `pollMs`, the
// fallback when a message is lost or the subscriber is down), so every runtime refuses an open tenant
// within about `pollMs` of the decision at worst. Outcomes go to the shared window and decisions to
// the store's compare-and-set; the rules are fleet-breaker-policy.ts's.
//
// While Redis is away (fail_open) the per-runtime breaker (`local`) decides, except that a tenant the
// fleet last saw open stays refused until its retry time: an outage must not reopen the gates.
// Settings (cooldown, ratio, probes...) are always `local`'s: tenant-settings-sync.ts keeps them the
// same on every runtime.
import type { Redis } from 'ioredis';
import type { BreakerSnapshot } from '../../protocol/control';
import type { FleetBreakerView } from '../../protocol/fleet';
import type {
  BreakerDecision,
  BreakerGate,
  BreakerSettings,
  BreakerTransition,
  TenantBreakers,
} from '../policy/breaker';
import type { Clock, TimerHandle } from '../policy/clock';
import {
  CLOSED_RECORD,
  claimProbe,
  cooldownS,
  gate,
  liveClaims,
  observedTransition,
  onCooldownOver,
  onDisabled,
  onProbeOutcome,
  onWindow,
  releaseClaim,
  renewClaims,
  retryAtMs,
  type FleetBreakerRecord,
  type Step,
} from './fleet-breaker-policy';
import type { FleetBreakerStore, WindowCounts } from './fleet-breaker-store';
import { parseAnnouncement } from './fleet-breaker-wire';

export interface FleetBreakerDeps {
  local: TenantBreakers;
  store: FleetBreakerStore;
  /** A connection of its own for SUBSCRIBE (a subscribed connection can run nothing else); null = poll only. */
  subscriber: Redis | null;
  channel: string;
  runtimeId: string;
  clock: Clock;
  /** The Redis link is up: decisions go to the fleet. */
  fleetUp: () => boolean;
  /** A fleet transition as this runtime saw it (reported once per runtime, whoever decided). */
  onTransition: (t: BreakerTransition, decidedBy: string) => void;
  warn: (tenant: string | null, line: string) => void;
  /** How often the revision is polled (default 250 ms). */
  pollMs?: number;
  /** How long a probe claim holds before another runtime may take it (default 10 s: the lease TTL). */
  claimTtlMs?: number;
}

/** Compare-and-set retries before giving up on a decision (another runtime keeps winning: it decided). */
const MAX_ATTEMPTS = 5;

interface Claims {
  /** Taken, no session yet. */
  free: number;
  /** A probe session of this runtime is running on it. */
  used: number;
}

export class FleetBreakers implements BreakerGate {
  private readonly records = new Map<string, FleetBreakerRecord>();
  private readonly windows = new Map<string, WindowCounts>();
  private readonly claims = new Map<string, Claims>();
  private readonly inFlight = new Set<string>();
  private readonly cooldownTimers = new Map<string, TimerHandle>();
  /** Redis time minus this machine's wall time, from the last reply that carried it. */
  private skewMs = 0;
  private lastRevision = -1;
  private pollTimer: NodeJS.Timeout | null = null;
  private polling = false;
  private disposed = false;
  private readonly pollMs: number;
  private readonly claimTtlMs: number;

  constructor(private readonly deps: FleetBreakerDeps) {
    this.pollMs = deps.pollMs ?? 250;
    this.claimTtlMs = deps.claimTtlMs ?? 10_000;
  }

  /** Subscribes and starts polling; the first poll fills the mirror. */
  start(): void {
    const sub = this.deps.subscriber;
    if (sub) {
      sub.on('message', (channel: string, message: string) => {
        if (channel === this.deps.channel) this.onAnnouncement(message);
      });
      // (Re)subscribe on every connect: a fresh connection after an outage has no subscriptions.
      sub.on('ready', () => void sub.subscribe(this.deps.channel).catch(() => undefined));
      if (sub.status === 'ready') void sub.subscribe(this.deps.channel).catch(() => undefined);
      // A duplicate() of a lazy link is not connected yet; its reconnects are ioredis's own.
      else if (sub.status === 'wait') void sub.connect().catch(() => undefined);
    }
    this.pollTimer = setInterval(() => void this.poll(), this.pollMs);
    this.pollTimer.unref();
    void this.poll();
  }

  dispose(): void {
    this.disposed = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    for (const t of this.cooldownTimers.values()) t.cancel();
    this.cooldownTimers.clear();
    this.deps.local.dispose();
  }

  // ---- BreakerGate (what admission and the session manager call) -----------------------------

  check(tenant: string): BreakerDecision {
    const record = this.records.get(tenant) ?? CLOSED_RECORD;
    const s = this.settings(tenant);
    if (!this.deps.fleetUp()) {
      const retry = retryAtMs(record, s);
      if (s.enabled && retry !== null && this.fleetNow() < retry)
        return { allowed: false, retryAtWallMs: this.toWall(retry) };
      return this.deps.local.check(tenant);
    }
    const g = gate(record, s, this.fleetNow(), this.claimsOf(tenant).free);
    if (g.kind !== 'refuse') return { allowed: true };
    if (g.claim)
      this.run(tenant, 'claim', (r, now) => claimProbe(tenant, r, s, this.deps.runtimeId, now, this.claimTtlMs));
    return { allowed: false, retryAtWallMs: g.retryAtMs === null ? null : this.toWall(g.retryAtMs) };
  }

  admitted(tenant: string): boolean {
    const c = this.claimsOf(tenant);
    if (this.deps.fleetUp() && c.free > 0 && this.records.get(tenant)?.state === 'half_open') {
      c.free--;
      c.used++;
      return true;
    }
    return this.deps.local.admitted(tenant);
  }

  releaseProbe(tenant: string): void {
    const c = this.claimsOf(tenant);
    if (c.used === 0) return this.deps.local.releaseProbe(tenant);
    c.used--;
    this.run(tenant, null, (r, now) => releaseClaim(r, this.deps.runtimeId, now));
  }

  record(tenant: string, ok: boolean, probe: boolean): void {
    const s = this.settings(tenant);
    const c = this.claimsOf(tenant);
    if (probe && c.used > 0) {
      c.used--;
      this.run(tenant, null, (r, now) => onProbeOutcome(tenant, r, ok, s, this.deps.runtimeId, now));
      return;
    }
    if (probe || !this.deps.fleetUp()) return this.deps.local.record(tenant, ok, probe);
    if (!s.enabled || (this.records.get(tenant)?.state ?? 'closed') !== 'closed') return;
    void this.deps.store.sample(tenant, ok, s.windowS).then(
      (counts) => {
        this.noteRedisTime(counts.redisNowMs);
        const window = { failures: counts.failures, samples: counts.samples };
        this.windows.set(tenant, window);
        if (onWindow(tenant, CLOSED_RECORD, window, s, this.deps.runtimeId, counts.redisNowMs)) {
          this.run(tenant, 'open', (r, now) => onWindow(tenant, r, window, s, this.deps.runtimeId, now));
        }
      },
      (err: unknown) => this.failed(tenant, 'sample', err),
    );
  }

  snapshot(tenant: string): BreakerSnapshot {
    const record = this.records.get(tenant);
    if (!this.deps.fleetUp() && (!record || record.state === 'closed')) return this.deps.local.snapshot(tenant);
    const s = this.settings(tenant);
    const r = record ?? CLOSED_RECORD;
    const counts = r.state === 'closed' ? (this.windows.get(tenant) ?? { failures: 0, samples: 0 }) : r.openedOn;
    const retry = retryAtMs(r, s);
    return {
      enabled: s.enabled,
      state: r.state,
      failures: counts.failures,
      samples: counts.samples,
      retry_at: retry === null ? null : new Date(this.toWall(retry)).toISOString(),
      cooldown_s: r.state === 'closed' ? s.cooldownS : cooldownS(s, r.reopenCount),
      times_opened: r.timesOpened,
    };
  }

  /** The fleet-only part of the tenant's breaker, for TenantSnapshot.fleet. */
  fleetView(tenant: string): FleetBreakerView {
    const r = this.records.get(tenant) ?? CLOSED_RECORD;
    return {
      state: r.state,
      decided_by: r.decidedBy || null,
      decided_at: r.decidedAtMs ? new Date(this.toWall(r.decidedAtMs)).toISOString() : null,
      probes: liveClaims(r, this.fleetNow()).map((c) => c.owner),
      probe_here: this.claimsOf(tenant).used,
    };
  }

  settings(tenant: string): BreakerSettings {
    return this.deps.local.settings(tenant);
  }

  setDefaults(defaults: BreakerSettings): void {
    this.deps.local.setDefaults(defaults);
  }

  setTenantSettings(tenant: string, patch: Partial<BreakerSettings>): BreakerSettings {
    const s = this.deps.local.setTenantSettings(tenant, patch);
    if (!s.enabled) this.run(tenant, null, (r, now) => onDisabled(tenant, r, this.deps.runtimeId, now));
    else this.scheduleCooldown(tenant);
    return s;
  }

  isTracked(tenant: string): boolean {
    return this.records.has(tenant) || this.deps.local.isTracked(tenant);
  }

  trackedTenants(): string[] {
    return [...new Set([...this.records.keys(), ...this.deps.local.trackedTenants()])];
  }

  // ---- the mirror ---------------------------------------------------------------------------

  private onAnnouncement(message: string): void {
    try {
      const a = parseAnnouncement(message, `fleet breaker announcement on ${this.deps.channel}`);
      this.apply(a.tenant, a.record);
    } catch (err) {
      this.deps.warn(null, `[fleet] ignored: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** A record from pub/sub or our own write: newer versions win (announcements may arrive out of order). */
  private apply(tenant: string, next: FleetBreakerRecord): void {
    const before = this.records.get(tenant);
    if (before && next.version <= before.version) return;
    this.take(tenant, before ?? CLOSED_RECORD, next);
  }

  /** Makes `next` the tenant's record (null: none, i.e. closed) and reports the transition it is. */
  private take(tenant: string, before: FleetBreakerRecord, next: FleetBreakerRecord | null): void {
    const after = next ?? CLOSED_RECORD;
    if (next === null) this.records.delete(tenant);
    else this.records.set(tenant, next);
    if (after.state !== 'closed') this.windows.delete(tenant);
    const t = observedTransition(tenant, before, after, this.settings(tenant));
    if (t) this.deps.onTransition(t, after.decidedBy);
    if (after.state !== 'half_open') this.dropClaims(tenant);
    this.scheduleCooldown(tenant);
  }

  private async poll(): Promise<void> {
    if (this.polling || this.disposed || !this.deps.fleetUp()) return;
    this.polling = true;
    try {
      const { revision, redisNowMs } = await this.deps.store.revision();
      this.noteRedisTime(redisNowMs);
      if (revision !== this.lastRevision) {
        const all = await this.deps.store.readAll((tenant, problem) =>
          this.deps.warn(tenant, `[fleet] ${problem}; keeping the last good one`),
        );
        for (const tenant of [...this.records.keys()]) if (!all.has(tenant)) this.replace(tenant, null);
        for (const [tenant, r] of all) this.replace(tenant, r);
        this.lastRevision = revision;
      }
      this.renewUsedClaims();
    } catch (err) {
      this.failed(null, 'poll', err);
    } finally {
      this.polling = false;
    }
  }

  /** The stored record is the truth, even when its version is lower than ours (Redis restarted empty). */
  private replace(tenant: string, r: FleetBreakerRecord | null): void {
    const mine = this.records.get(tenant);
    if (r !== null && mine && mine.version === r.version && mine.decidedAtMs === r.decidedAtMs) return;
    if (r === null && !mine) return;
    this.take(tenant, mine ?? CLOSED_RECORD, r);
  }

  private renewUsedClaims(): void {
    for (const [tenant, c] of this.claims) {
      if (c.used === 0) continue;
      const mine = (this.records.get(tenant)?.claims ?? []).find((x) => x.owner === this.deps.runtimeId);
      if (mine && mine.untilMs - this.fleetNow() < this.claimTtlMs / 2) {
        this.run(tenant, 'renew', (r, now) => renewClaims(r, this.deps.runtimeId, now, this.claimTtlMs));
      }
    }
  }

  /** An open record's half-open moment: every runtime tries it; the first write wins, the rest re-read. */
  private scheduleCooldown(tenant: string): void {
    this.cooldownTimers.get(tenant)?.cancel();
    this.cooldownTimers.delete(tenant);
    const r = this.records.get(tenant);
    const retry = r ? retryAtMs(r, this.settings(tenant)) : null;
    if (retry === null || this.disposed) return;
    const timer = this.deps.clock.setTimer(Math.max(0, retry - this.fleetNow()), () => {
      this.cooldownTimers.delete(tenant);
      this.run(tenant, 'half_open', (rec, now) =>
        onCooldownOver(tenant, rec, this.settings(tenant), this.deps.runtimeId, now),
      );
    });
    this.cooldownTimers.set(tenant, timer);
  }

  private claimsOf(tenant: string): Claims {
    let c = this.claims.get(tenant);
    if (!c) {
      c = { free: 0, used: 0 };
      this.claims.set(tenant, c);
    }
    return c;
  }

  private dropClaims(tenant: string): void {
    const c = this.claims.get(tenant);
    if (c && c.used === 0) this.claims.delete(tenant);
    else if (c) c.free = 0;
  }

  // ---- decisions ----------------------------------------------------------------------------

  /**
   * Read, decide (pure), compare-and-set; again on a lost race, with the record that won. `guard`
   * names a decision that must not run twice at once for the tenant (a burst of refusals asks for
   * one claim, not a hundred); null for outcomes, which must each be written.
   */
  private run(
    tenant: string,
    guard: string | null,
    decide: (r: FleetBreakerRecord, redisNowMs: number) => Step | null,
  ): void {
    const key = guard === null ? null : `${guard}\u0000${tenant}`;
    if (key !== null) {
      if (this.inFlight.has(key)) return;
      this.inFlight.add(key);
    }
    void this.decideLoop(tenant, decide, guard === 'claim')
      .catch((err: unknown) => this.failed(tenant, guard ?? 'outcome', err))
      .finally(() => {
        if (key !== null) this.inFlight.delete(key);
      });
  }

  private async decideLoop(
    tenant: string,
    decide: (r: FleetBreakerRecord, now: number) => Step | null,
    isClaim: boolean,
  ): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS && !this.disposed; attempt++) {
      const { record, redisNowMs } = await this.deps.store.read(tenant);
      this.noteRedisTime(redisNowMs);
      const current = record ?? CLOSED_RECORD;
      const step = decide(current, redisNowMs);
      if (step === null) {
        if (record) this.apply(tenant, record);
        return;
      }
      const result = await this.deps.store.decide(tenant, current.version, step.next, step.clearWindow);
      if (result.written) {
        // Counted before the record is applied, so a session admitted right after sees the claim.
        if (isClaim) this.claimsOf(tenant).free++;
        this.apply(tenant, step.next);
        if (isClaim) this.expireUnusedClaim(tenant);
        return;
      }
    }
    if (!this.disposed)
      this.deps.warn(
        tenant,
        `[fleet] breaker decision for '${tenant}' lost ${MAX_ATTEMPTS} races in a row; the next outcome decides again`,
      );
  }

  /** A claim no session used within its TTL has expired in Redis too: forget it here. */
  private expireUnusedClaim(tenant: string): void {
    this.deps.clock.setTimer(this.claimTtlMs, () => {
      const c = this.claims.get(tenant);
      if (c && c.free > 0) c.free--;
    });
  }

  private failed(tenant: string | null, what: string, err: unknown): void {
    if (this.disposed) return;
    this.deps.warn(tenant, `[fleet] breaker ${what} failed: ${err instanceof Error ? err.message : String(err)}`);
  }

  private noteRedisTime(redisNowMs: number): void {
    this.skewMs = redisNowMs - this.deps.clock.wallTime();
  }

  /** Now on Redis's clock (records carry Redis time). */
  private fleetNow(): number {
    return this.deps.clock.wallTime() + this.skewMs;
  }

  private toWall(redisMs: number): number {
    return redisMs - this.skewMs;
  }
}
