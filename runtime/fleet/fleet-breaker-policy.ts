// The fleet circuit breaker's decisions (DESIGN §3.12), pure: the shared record of one tenant, the
// time and the tenant's settings come in, the next record (or null: nothing to decide) goes out.
// The store (fleet-breaker-store.ts) writes a next record only if the record it was computed from is
// still the current one (compare-and-set on `version`), so when several runtimes decide at once
// exactly one decision lands and the others re-read: open, half-open and close happen once per fleet.
//
// Same rules as the per-runtime breaker (runtime/policy/breaker.ts): opens when samples >= min_samples
// and failures/samples > ratio; half-open after the cooldown; closes when `halfOpenProbes` probes
// succeed; a failed probe reopens it with the cooldown doubled (capped). What the fleet adds is the
// probe *claim*: a runtime takes one before it admits a probe session, so the whole fleet runs at most
// `halfOpenProbes` probes. A claim expires (its runtime died, or had no session to probe with), so a
// dead runtime cannot hold the tenant half-open forever; the owner renews the claims it is using.
import type { BreakerState } from '../../protocol/control';
import type { BreakerSettings, BreakerTransition } from '../policy/breaker';

export interface ProbeClaim {
  /** The runtime holding it (its fleet runtime id). */
  owner: string;
  /** Wall-clock ms after which another runtime may take its place. */
  untilMs: number;
}

/** One tenant's shared breaker record (JSON in Redis). Wall-clock ms throughout: it crosses machines. */
export interface FleetBreakerRecord {
  state: BreakerState;
  /** Bumped by every decision; the compare-and-set key. 0 = never decided (closed). */
  version: number;
  openedAtMs: number;
  /** Consecutive reopenings from half-open; drives the doubling cooldown. */
  reopenCount: number;
  timesOpened: number;
  /** The window counts it last opened on (the window is cleared then; the operator still needs them). */
  openedOn: { failures: number; samples: number };
  claims: ProbeClaim[];
  probeSuccesses: number;
  /** Who made the last decision and when: what the views show as "decided by". */
  decidedBy: string;
  decidedAtMs: number;
}

export const CLOSED_RECORD: FleetBreakerRecord = Object.freeze({
  state: 'closed',
  version: 0,
  openedAtMs: 0,
  reopenCount: 0,
  timesOpened: 0,
  openedOn: { failures: 0, samples: 0 },
  claims: [],
  probeSuccesses: 0,
  decidedBy: '',
  decidedAtMs: 0,
});

/** A decision: the record to write, and the transition it is (null for a claim or a probe's success that does not close). */
export interface Step {
  next: FleetBreakerRecord;
  transition: BreakerTransition | null;
  /** The tenant's failure window is cleared with this write (on opening and on closing). */
  clearWindow: boolean;
}

/** The cooldown of the open period in progress, from the settings as they are now (so a retune applies at once). */
export function cooldownS(s: BreakerSettings, reopenCount: number): number {
  return Math.min(s.cooldownS * 2 ** reopenCount, Math.max(s.maxCooldownS, s.cooldownS));
}

export function retryAtMs(r: FleetBreakerRecord, s: BreakerSettings): number | null {
  return r.state === 'open' ? r.openedAtMs + cooldownS(s, r.reopenCount) * 1000 : null;
}

/** Claims that still hold at `nowMs`. */
export function liveClaims(r: FleetBreakerRecord, nowMs: number): ProbeClaim[] {
  return r.claims.filter((c) => c.untilMs > nowMs);
}

function decided(
  r: FleetBreakerRecord,
  me: string,
  nowMs: number,
  patch: Partial<FleetBreakerRecord>,
): FleetBreakerRecord {
  return { ...r, ...patch, version: r.version + 1, decidedBy: me, decidedAtMs: nowMs };
}

function opened(
  tenant: string,
  r: FleetBreakerRecord,
  s: BreakerSettings,
  me: string,
  nowMs: number,
  window: { failures: number; samples: number },
  reopenCount: number,
): Step {
  const counts = { failures: window.failures, samples: window.samples };
  const next = decided(r, me, nowMs, {
    state: 'open',
    openedAtMs: nowMs,
    reopenCount,
    timesOpened: r.timesOpened + 1,
    openedOn: counts,
    claims: [],
    probeSuccesses: 0,
  });
  return {
    next,
    transition: { kind: 'opened', tenant, ...counts, cooldownS: cooldownS(s, reopenCount) },
    clearWindow: true,
  };
}

/** After a sample went into the shared window: open when the window crosses the threshold. */
export function onWindow(
  tenant: string,
  r: FleetBreakerRecord,
  counts: { failures: number; samples: number },
  s: BreakerSettings,
  me: string,
  nowMs: number,
): Step | null {
  if (!s.enabled || r.state !== 'closed') return null;
  if (counts.samples < s.minSamples || counts.failures / counts.samples <= s.failureRatio) return null;
  return opened(tenant, r, s, me, nowMs, counts, 0);
}

/** The cooldown is over: half-open (any runtime may write it; the first write wins). */
export function onCooldownOver(
  tenant: string,
  r: FleetBreakerRecord,
  s: BreakerSettings,
  me: string,
  nowMs: number,
): Step | null {
  const retry = retryAtMs(r, s);
  if (retry === null || nowMs < retry) return null;
  return {
    next: decided(r, me, nowMs, { state: 'half_open', claims: [], probeSuccesses: 0 }),
    transition: { kind: 'half_open', tenant },
    clearWindow: false,
  };
}

/**
 * A runtime with a session to probe with asks for a claim. An open record past its cooldown goes
 * half-open in the same write. Null: no claim free (the fleet's probes are taken) or not half-open.
 */
export function claimProbe(
  tenant: string,
  r: FleetBreakerRecord,
  s: BreakerSettings,
  me: string,
  nowMs: number,
  claimTtlMs: number,
): Step | null {
  if (!s.enabled) return null;
  const halfOpen = r.state === 'half_open' ? null : onCooldownOver(tenant, r, s, me, nowMs);
  const base = halfOpen?.next ?? r;
  if (base.state !== 'half_open') return null;
  const claims = liveClaims(base, nowMs);
  if (claims.length + base.probeSuccesses >= s.halfOpenProbes) return null;
  return {
    next: decided(base, me, nowMs, { claims: [...claims, { owner: me, untilMs: nowMs + claimTtlMs }] }),
    transition: halfOpen?.transition ?? null,
    clearWindow: false,
  };
}

/** Removes one of `me`'s claims; null when it holds none (it expired and someone else's write dropped it). */
function withoutOneClaim(r: FleetBreakerRecord, me: string): ProbeClaim[] | null {
  const i = r.claims.findIndex((c) => c.owner === me);
  return i < 0 ? null : [...r.claims.slice(0, i), ...r.claims.slice(i + 1)];
}

/** A probe session `me` admitted decided: success counts towards closing, failure reopens with a longer cooldown. */
export function onProbeOutcome(
  tenant: string,
  r: FleetBreakerRecord,
  ok: boolean,
  s: BreakerSettings,
  me: string,
  nowMs: number,
): Step | null {
  if (r.state !== 'half_open') return null;
  const claims = withoutOneClaim(r, me);
  if (claims === null) return null;
  if (!ok) {
    return opened(
      tenant,
      { ...r, claims },
      s,
      me,
      nowMs,
      { failures: 1, samples: r.probeSuccesses + 1 },
      r.reopenCount + 1,
    );
  }
  const successes = r.probeSuccesses + 1;
  if (successes < s.halfOpenProbes) {
    return { next: decided(r, me, nowMs, { claims, probeSuccesses: successes }), transition: null, clearWindow: false };
  }
  return {
    next: decided(r, me, nowMs, { state: 'closed', reopenCount: 0, claims: [], probeSuccesses: 0 }),
    transition: { kind: 'closed', tenant },
    clearWindow: true,
  };
}

/** A claim given back unused, or a probe that ended without an outcome (cancelled, drained). */
export function releaseClaim(r: FleetBreakerRecord, me: string, nowMs: number): Step | null {
  const claims = withoutOneClaim(r, me);
  if (claims === null || r.state !== 'half_open') return null;
  return { next: decided(r, me, nowMs, { claims }), transition: null, clearWindow: false };
}

/** Pushes `me`'s claims' expiry forward while its probe sessions run. */
export function renewClaims(r: FleetBreakerRecord, me: string, nowMs: number, claimTtlMs: number): Step | null {
  if (r.state !== 'half_open' || !r.claims.some((c) => c.owner === me)) return null;
  const claims = r.claims.map((c) => (c.owner === me ? { ...c, untilMs: nowMs + claimTtlMs } : c));
  return { next: decided(r, me, nowMs, { claims }), transition: null, clearWindow: false };
}

/** The breaker turned off fleet-wide: the shared record goes back to closed at once. */
export function onDisabled(tenant: string, r: FleetBreakerRecord, me: string, nowMs: number): Step | null {
  if (r.state === 'closed') return null;
  return {
    next: decided(r, me, nowMs, { state: 'closed', reopenCount: 0, claims: [], probeSuccesses: 0 }),
    transition: { kind: 'closed', tenant },
    clearWindow: true,
  };
}

/** What a runtime does with a new session of the tenant, on the record it last saw. Synchronous: admission is. */
export type Gate =
  | { kind: 'allow' }
  /** Half-open and this runtime holds a claim: the session runs as a probe. */
  | { kind: 'probe' }
  /** Refused; `claim`: ask for a probe claim (the cooldown is over or a claim may be free), so a later session can probe. */
  | { kind: 'refuse'; retryAtMs: number | null; claim: boolean };

export function gate(r: FleetBreakerRecord, s: BreakerSettings, nowMs: number, claimsHeldUnused: number): Gate {
  if (!s.enabled || r.state === 'closed') return { kind: 'allow' };
  if (claimsHeldUnused > 0 && r.state === 'half_open') return { kind: 'probe' };
  if (r.state === 'open') {
    const retry = retryAtMs(r, s);
    return { kind: 'refuse', retryAtMs: retry, claim: retry !== null && nowMs >= retry };
  }
  const free = liveClaims(r, nowMs).length + r.probeSuccesses < s.halfOpenProbes;
  return { kind: 'refuse', retryAtMs: null, claim: free };
}

/** A transition between two records as a runtime that only watches sees it (from pub/sub or a poll). */
export function observedTransition(
  tenant: string,
  before: FleetBreakerRecord,
  after: FleetBreakerRecord,
  s: BreakerSettings,
): BreakerTransition | null {
  if (after.state === 'open' && (before.state !== 'open' || after.timesOpened !== before.timesOpened)) {
    return { kind: 'opened', tenant, ...after.openedOn, cooldownS: cooldownS(s, after.reopenCount) };
  }
  if (after.state === before.state) return null;
  return after.state === 'half_open'
    ? { kind: 'half_open', tenant }
    : after.state === 'closed'
      ? { kind: 'closed', tenant }
      : null;
}
