// The fleet breaker's JSON as it crosses Redis (records in the hash, announcements on the channel),
// checked on the way in: another runtime, an older version or a hand edit may have written it, so a
// record that does not parse is refused with where and why, and the runtime keeps what it had.
import { tenantIdProblem } from '../../protocol/tenant-id';
import type { BreakerState } from '../../protocol/control';
import type { FleetBreakerRecord, ProbeClaim } from './fleet-breaker-policy';

export interface BreakerAnnouncement {
  tenant: string;
  record: FleetBreakerRecord;
}

const STATES: readonly BreakerState[] = ['closed', 'open', 'half_open'];

class WireError extends Error {
  override name = 'FleetWireError';
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function count(o: Obj, key: string, where: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw new WireError(`${where}: ${key} must be a number >= 0`);
  return v;
}

function text(o: Obj, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length > 200)
    throw new WireError(`${where}: ${key} must be a string (at most 200 characters)`);
  return v;
}

function claim(v: unknown, where: string): ProbeClaim {
  if (!isObj(v)) throw new WireError(`${where}: a claim must be an object`);
  return { owner: text(v, 'owner', where), untilMs: count(v, 'untilMs', where) };
}

function recordOf(v: unknown, where: string): FleetBreakerRecord {
  if (!isObj(v)) throw new WireError(`${where}: not an object`);
  const state = v.state;
  if (typeof state !== 'string' || !STATES.includes(state as BreakerState)) {
    throw new WireError(`${where}: state must be one of ${STATES.join(', ')}`);
  }
  const openedOn = v.openedOn;
  if (!isObj(openedOn)) throw new WireError(`${where}: openedOn must be an object`);
  const claims = v.claims;
  // A fleet runs at most half_open_probes (≤ 1000, the control API's bound) claims at once.
  if (!Array.isArray(claims) || claims.length > 1000)
    throw new WireError(`${where}: claims must be a list (at most 1000)`);
  return {
    state: state as BreakerState,
    version: count(v, 'version', where),
    openedAtMs: count(v, 'openedAtMs', where),
    reopenCount: count(v, 'reopenCount', where),
    timesOpened: count(v, 'timesOpened', where),
    openedOn: { failures: count(openedOn, 'failures', where), samples: count(openedOn, 'samples', where) },
    claims: claims.map((c, i) => claim(c, `${where}: claims[${i}]`)),
    probeSuccesses: count(v, 'probeSuccesses', where),
    decidedBy: text(v, 'decidedBy', where),
    decidedAtMs: count(v, 'decidedAtMs', where),
  };
}

function json(raw: string, where: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new WireError(`${where}: not JSON`);
  }
}

export function parseRecord(raw: string, where: string): FleetBreakerRecord {
  return recordOf(json(raw, where), where);
}

export function parseAnnouncement(raw: string, where: string): BreakerAnnouncement {
  const v = json(raw, where);
  if (!isObj(v)) throw new WireError(`${where}: not an object`);
  const tenant = v.tenant;
  const problem = tenantIdProblem(tenant);
  if (problem !== null) throw new WireError(`${where}: tenant: ${problem}`);
  return { tenant: tenant as string, record: recordOf(v.record, `${where}: record`) };
}
