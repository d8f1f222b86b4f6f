// Per-tenant circuit breaker (DESIGN §3.4). Pure policy: time comes from an injected Clock,
// transitions are reported through a callback, nothing here logs or does I/O.
//
// Closed: outcomes go into a bucketed time window (fixed bucket count, so memory per tenant is
// bounded whatever the traffic). It opens when samples >= min_samples and failures/samples > ratio.
// Open: the tenant's new sessions are rejected; a timer (not the next request) moves it to half-open.
// Half-open: up to `halfOpenProbes` probe sessions are admitted; when that many succeed it closes,
// when one fails it reopens with the cooldown doubled (capped at maxCooldownS).
import { DEFAULT_BREAKER_COOLDOWN_S } from '../../protocol/placeholders';
import type { BreakerSnapshot, BreakerState } from '../../protocol/control';
import type { Clock, TimerHandle } from './clock';

export interface BreakerSettings {
  enabled: boolean;
  cooldownS: number;
  failureRatio: number;
  minSamples: number;
  windowS: number;
  maxCooldownS: number;
  halfOpenProbes: number;
}

export const DEFAULT_BREAKER_SETTINGS: BreakerSettings = {
  enabled: false,
  cooldownS: DEFAULT_BREAKER_COOLDOWN_S,
  failureRatio: 0.5,
  minSamples: 5,
  windowS: 60,
  maxCooldownS: 300,
  halfOpenProbes: 1,
};

export type BreakerTransition =
  | { kind: 'opened'; tenant: string; failures: number; samples: number; cooldownS: number }
  | { kind: 'half_open'; tenant: string }
  | { kind: 'closed'; tenant: string };

export type BreakerDecision = { allowed: true } | { allowed: false; retryAtWallMs: number | null };

/**
 * What admission, the session manager and the snapshot ask of a breaker: the per-runtime one below,
 * or the fleet's (runtime/fleet/fleet-breakers.ts) when a `fleet` block shares it through Redis.
 */
export interface BreakerGate {
  check(tenant: string): BreakerDecision;
  admitted(tenant: string): boolean;
  releaseProbe(tenant: string): void;
  record(tenant: string, ok: boolean, probe: boolean): void;
  snapshot(tenant: string): BreakerSnapshot;
  settings(tenant: string): BreakerSettings;
  setDefaults(defaults: BreakerSettings): void;
  setTenantSettings(tenant: string, patch: Partial<BreakerSettings>): BreakerSettings;
  isTracked(tenant: string): boolean;
  trackedTenants(): string[];
  dispose(): void;
}

const BUCKETS = 10;

interface Bucket {
  epoch: number;
  ok: number;
  fail: number;
}

interface TenantState {
  state: BreakerState;
  buckets: Bucket[];
  /** Consecutive reopenings from half-open; drives the growing cooldown. */
  reopenCount: number;
  timesOpened: number;
  currentCooldownS: number;
  /** When the current open period began (monotonic and wall), so a retuned cooldown can re-time it. */
  openedAtMs: number;
  openedAtWallMs: number;
  retryAtWallMs: number | null;
  /** The window counts it last opened on: the window is cleared then, but the operator still needs them. */
  openedOn: { failures: number; samples: number };
  timer: TimerHandle | null;
  probesInFlight: number;
  probeSuccesses: number;
  lastActivityMs: number;
}

export class TenantBreakers implements BreakerGate {
  private defaults: BreakerSettings;
  private readonly overrides = new Map<string, Partial<BreakerSettings>>();
  private readonly tenants = new Map<string, TenantState>();
  private lastSweepMs: number;

  constructor(
    defaults: BreakerSettings,
    private readonly clock: Clock,
    private readonly onTransition: (t: BreakerTransition) => void,
  ) {
    this.defaults = { ...defaults };
    this.lastSweepMs = clock.now();
  }

  setDefaults(defaults: BreakerSettings): void {
    const before = new Map([...this.tenants.keys()].map((t) => [t, this.settings(t)]));
    this.defaults = { ...defaults };
    for (const [tenant, old] of before) this.applySettingsChange(tenant, old);
  }

  /** Per-tenant override at run time; fields left undefined keep their current value. */
  setTenantSettings(tenant: string, patch: Partial<BreakerSettings>): BreakerSettings {
    const old = this.settings(tenant);
    const merged: Partial<BreakerSettings> = { ...this.overrides.get(tenant) };
    for (const [k, v] of Object.entries(patch) as [keyof BreakerSettings, BreakerSettings[keyof BreakerSettings]][]) {
      if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
    }
    this.overrides.set(tenant, merged);
    this.applySettingsChange(tenant, old);
    return this.settings(tenant);
  }

  settings(tenant: string): BreakerSettings {
    return { ...this.defaults, ...this.overrides.get(tenant) };
  }

  /** Would a new session of this tenant pass the breaker? Pure query: reserves nothing. */
  check(tenant: string): BreakerDecision {
    this.maybeSweep();
    const s = this.settings(tenant);
    const t = this.tenants.get(tenant);
    if (!s.enabled || !t || t.state === 'closed') return { allowed: true };
    if (t.state === 'open') return { allowed: false, retryAtWallMs: t.retryAtWallMs };
    return t.probesInFlight < s.halfOpenProbes ? { allowed: true } : { allowed: false, retryAtWallMs: null };
  }

  /** Call once admission accepts the session; returns whether it runs as a half-open probe. */
  admitted(tenant: string): boolean {
    const t = this.tenants.get(tenant);
    if (!this.settings(tenant).enabled || !t) return false;
    t.lastActivityMs = this.clock.now();
    if (t.state !== 'half_open') return false;
    t.probesInFlight++;
    return true;
  }

  /** A probe session ended without an outcome the breaker should see (operator cancel, drain). */
  releaseProbe(tenant: string): void {
    const t = this.tenants.get(tenant);
    if (t && t.state === 'half_open' && t.probesInFlight > 0) t.probesInFlight--;
  }

  record(tenant: string, ok: boolean, probe: boolean): void {
    const s = this.settings(tenant);
    if (!s.enabled) return;
    const t = this.stateFor(tenant);
    t.lastActivityMs = this.clock.now();
    if (t.state === 'half_open') {
      // Only probes decide half-open; late outcomes of sessions admitted before the opening do not.
      if (!probe) return;
      t.probesInFlight = Math.max(0, t.probesInFlight - 1);
      if (!ok) {
        t.reopenCount++;
        this.open(tenant, t, s, 1, t.probeSuccesses + 1);
        return;
      }
      t.probeSuccesses++;
      if (t.probeSuccesses >= s.halfOpenProbes) this.close(tenant, t);
      return;
    }
    if (t.state === 'open') return;
    const bucket = this.currentBucket(t, s);
    if (ok) bucket.ok++;
    else bucket.fail++;
    if (ok) return;
    const { failures, samples } = this.windowCounts(t, s);
    if (samples >= s.minSamples && failures / samples > s.failureRatio) this.open(tenant, t, s, failures, samples);
  }

  snapshot(tenant: string): BreakerSnapshot {
    const s = this.settings(tenant);
    const t = this.tenants.get(tenant);
    const counts = !t ? { failures: 0, samples: 0 } : t.state === 'closed' ? this.windowCounts(t, s) : t.openedOn;
    return {
      enabled: s.enabled,
      state: t?.state ?? 'closed',
      failures: counts.failures,
      samples: counts.samples,
      retry_at: t?.retryAtWallMs != null ? new Date(t.retryAtWallMs).toISOString() : null,
      cooldown_s: t && t.state !== 'closed' ? t.currentCooldownS : s.cooldownS,
      times_opened: t?.timesOpened ?? 0,
    };
  }

  /** A window, a non-closed state or settings of its own. */
  isTracked(tenant: string): boolean {
    return this.tenants.has(tenant) || this.overrides.has(tenant);
  }

  /** Tenants with live breaker state (for tests of eviction and for the snapshot). */
  trackedTenants(): string[] {
    return [...this.tenants.keys()];
  }

  dispose(): void {
    for (const t of this.tenants.values()) t.timer?.cancel();
    this.tenants.clear();
  }

  private stateFor(tenant: string): TenantState {
    let t = this.tenants.get(tenant);
    if (!t) {
      t = {
        state: 'closed',
        buckets: Array.from({ length: BUCKETS }, () => ({ epoch: -1, ok: 0, fail: 0 })),
        reopenCount: 0,
        timesOpened: 0,
        currentCooldownS: 0,
        openedAtMs: 0,
        openedAtWallMs: 0,
        retryAtWallMs: null,
        openedOn: { failures: 0, samples: 0 },
        timer: null,
        probesInFlight: 0,
        probeSuccesses: 0,
        lastActivityMs: this.clock.now(),
      };
      this.tenants.set(tenant, t);
    }
    return t;
  }

  private bucketWidthMs(s: BreakerSettings): number {
    return (s.windowS * 1000) / BUCKETS;
  }

  private currentBucket(t: TenantState, s: BreakerSettings): Bucket {
    const epoch = Math.floor(this.clock.now() / this.bucketWidthMs(s));
    const bucket = t.buckets[epoch % BUCKETS]!;
    if (bucket.epoch !== epoch) {
      bucket.epoch = epoch;
      bucket.ok = 0;
      bucket.fail = 0;
    }
    return bucket;
  }

  private windowCounts(t: TenantState, s: BreakerSettings): { failures: number; samples: number } {
    const epoch = Math.floor(this.clock.now() / this.bucketWidthMs(s));
    let failures = 0;
    let samples = 0;
    for (const b of t.buckets) {
      if (b.epoch > epoch - BUCKETS && b.epoch <= epoch) {
        failures += b.fail;
        samples += b.ok + b.fail;
      }
    }
    return { failures, samples };
  }

  private clearWindow(t: TenantState): void {
    for (const b of t.buckets) b.epoch = -1;
  }

  private open(tenant: string, t: TenantState, s: BreakerSettings, failures: number, samples: number): void {
    t.timer?.cancel();
    t.state = 'open';
    t.timesOpened++;
    t.openedAtMs = this.clock.now();
    t.openedAtWallMs = this.clock.wallTime();
    t.probesInFlight = 0;
    t.probeSuccesses = 0;
    t.openedOn = { failures, samples };
    this.clearWindow(t);
    this.scheduleHalfOpen(tenant, t, s);
    this.onTransition({ kind: 'opened', tenant, failures, samples, cooldownS: t.currentCooldownS });
  }

  /** (Re)times the half-open transition of an open breaker from when it opened; past due = now. */
  private scheduleHalfOpen(tenant: string, t: TenantState, s: BreakerSettings): void {
    t.timer?.cancel();
    t.currentCooldownS = Math.min(s.cooldownS * 2 ** t.reopenCount, Math.max(s.maxCooldownS, s.cooldownS));
    t.retryAtWallMs = t.openedAtWallMs + t.currentCooldownS * 1000;
    const remainingMs = t.openedAtMs + t.currentCooldownS * 1000 - this.clock.now();
    if (remainingMs <= 0) {
      t.timer = null;
      this.halfOpen(tenant, t);
      return;
    }
    t.timer = this.clock.setTimer(remainingMs, () => this.halfOpen(tenant, t));
  }

  private halfOpen(tenant: string, t: TenantState): void {
    if (this.tenants.get(tenant) !== t || t.state !== 'open') return;
    t.timer = null;
    t.state = 'half_open';
    t.retryAtWallMs = null;
    t.probesInFlight = 0;
    t.probeSuccesses = 0;
    t.lastActivityMs = this.clock.now();
    this.onTransition({ kind: 'half_open', tenant });
  }

  private close(tenant: string, t: TenantState): void {
    t.timer?.cancel();
    t.timer = null;
    t.state = 'closed';
    t.reopenCount = 0;
    t.retryAtWallMs = null;
    t.probesInFlight = 0;
    t.probeSuccesses = 0;
    this.clearWindow(t);
    this.onTransition({ kind: 'closed', tenant });
  }

  private applySettingsChange(tenant: string, old: BreakerSettings): void {
    const now = this.settings(tenant);
    const t = this.tenants.get(tenant);
    if (!t) return;
    if (!now.enabled && old.enabled) {
      // Turning the breaker off lets the tenant in at once; a stale open state must not linger.
      t.timer?.cancel();
      this.tenants.delete(tenant);
      return;
    }
    // Buckets are sized by the window; a different window starts a fresh count.
    if (now.windowS !== old.windowS) this.clearWindow(t);
    // An operator tuning the cooldown mid-incident means the open period in progress too.
    if (t.state === 'open' && (now.cooldownS !== old.cooldownS || now.maxCooldownS !== old.maxCooldownS)) {
      this.scheduleHalfOpen(tenant, t, now);
    }
  }

  /** Forget closed, idle tenants with nothing in their window; bounds the map by active tenants. */
  private maybeSweep(): void {
    const nowMs = this.clock.now();
    const sweepEveryMs = this.defaults.windowS * 1000;
    if (nowMs - this.lastSweepMs < sweepEveryMs) return;
    this.lastSweepMs = nowMs;
    for (const [tenant, t] of this.tenants) {
      const s = this.settings(tenant);
      const idleFor = nowMs - t.lastActivityMs;
      if (t.state === 'closed' && idleFor > 2 * s.windowS * 1000 && this.windowCounts(t, s).samples === 0) {
        this.tenants.delete(tenant);
      }
    }
  }
}
