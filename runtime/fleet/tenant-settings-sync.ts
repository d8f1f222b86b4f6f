// Run-time tenant changes made fleet-wide (issue 15, Deliver 3): `openrtc tenant cap|breaker` and the
// extension's tenant commands reach one runtime; it applies the change at once, merges it into the
// tenant's shared entry in Redis (one script: read, merge, write, announce) and every runtime applies
// the stored entry when the announcement comes, or at start and after an outage when it reads them all.
// The stored entry, not the patch, is what every runtime applies, so two operators changing the same
// tenant on two runtimes end with the same settings everywhere.
import type { Redis } from 'ioredis';
import { tenantIdProblem } from '../../protocol/tenant-id';
import type { BreakerSettings } from '../policy/breaker';
import type { FleetKeys } from './keys';

/** One tenant's shared run-time settings. `cap: null` = its own cap removed (the config applies). */
export interface SharedTenantSettings {
  cap?: number | null;
  breaker?: Partial<BreakerSettings>;
}

export interface TenantSettingsSyncDeps {
  redis: Redis;
  subscriber: Redis | null;
  keys: Pick<FleetKeys, 'tenantSettings' | 'tenantSettingsChannel'>;
  apply: (tenant: string, settings: SharedTenantSettings) => void;
  warn: (tenant: string | null, line: string) => void;
}

// KEYS[1] hash. ARGV: tenant, patch JSON, channel. Merges the patch's fields (breaker fields one by one).
const MERGE_LUA = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
local entry = {}
if current then
  local ok, v = pcall(cjson.decode, current)
  if ok and type(v) == 'table' then entry = v end
end
local patch = cjson.decode(ARGV[2])
if patch.cap ~= nil then entry.cap = patch.cap end
if type(patch.breaker) == 'table' then
  if type(entry.breaker) ~= 'table' then entry.breaker = {} end
  for k, v in pairs(patch.breaker) do entry.breaker[k] = v end
end
local json = cjson.encode(entry)
redis.call('HSET', KEYS[1], ARGV[1], json)
redis.call('PUBLISH', ARGV[3], ARGV[1])
return json
`;

const BREAKER_FIELDS: Record<keyof BreakerSettings, 'boolean' | 'number'> = {
  enabled: 'boolean',
  cooldownS: 'number',
  failureRatio: 'number',
  minSamples: 'number',
  windowS: 'number',
  maxCooldownS: 'number',
  halfOpenProbes: 'number',
};

/** Checks an entry read from Redis; throws with where and why. Unknown fields are refused, not ignored. */
export function parseSharedSettings(raw: string, where: string): SharedTenantSettings {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new Error(`${where}: not JSON`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${where}: not an object`);
  const o = v as Record<string, unknown>;
  const out: SharedTenantSettings = {};
  for (const key of Object.keys(o)) {
    if (key !== 'cap' && key !== 'breaker') throw new Error(`${where}: unknown field ${JSON.stringify(key)}`);
  }
  if ('cap' in o) {
    const cap = o.cap;
    // cjson writes a JSON null as... nothing: a removed cap is stored as -1 (see publish()).
    if (cap === -1 || cap === null) out.cap = null;
    else if (typeof cap === 'number' && Number.isInteger(cap) && cap >= 0 && cap <= 1_000_000) out.cap = cap;
    else throw new Error(`${where}: cap must be a whole number 0..1000000 or none`);
  }
  if ('breaker' in o) {
    const b = o.breaker;
    // cjson encodes an empty table as {}.
    if (typeof b !== 'object' || b === null || Array.isArray(b)) throw new Error(`${where}: breaker must be an object`);
    const patch: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(b as Record<string, unknown>)) {
      const kind = BREAKER_FIELDS[k as keyof BreakerSettings];
      if (kind === undefined) throw new Error(`${where}: breaker: unknown field ${JSON.stringify(k)}`);
      if (typeof val !== kind || (kind === 'number' && !(Number.isFinite(val) && (val as number) >= 0))) {
        throw new Error(`${where}: breaker.${k} must be ${kind === 'number' ? 'a number >= 0' : 'true or false'}`);
      }
      patch[k] = val;
    }
    out.breaker = patch;
  }
  return out;
}

export class TenantSettingsSync {
  constructor(private readonly deps: TenantSettingsSyncDeps) {}

  start(): void {
    const sub = this.deps.subscriber;
    if (!sub) return;
    const channel = this.deps.keys.tenantSettingsChannel();
    sub.on('message', (ch: string, tenant: string) => {
      if (ch === channel) void this.reload(tenant);
    });
    sub.on('ready', () => void sub.subscribe(channel).catch(() => undefined));
    if (sub.status === 'ready') void sub.subscribe(channel).catch(() => undefined);
  }

  /** Stores the change for the fleet and announces it; the caller has applied it here already. */
  async publish(tenant: string, change: SharedTenantSettings): Promise<void> {
    const patch: Record<string, unknown> = {};
    // cjson drops nulls from objects, so "no cap of its own" travels as -1.
    if (change.cap !== undefined) patch.cap = change.cap === null ? -1 : change.cap;
    if (change.breaker) {
      const defined = Object.entries(change.breaker).filter(([, v]) => v !== undefined);
      if (defined.length) patch.breaker = Object.fromEntries(defined);
    }
    await this.deps.redis.eval(
      MERGE_LUA,
      1,
      this.deps.keys.tenantSettings(),
      tenant,
      JSON.stringify(patch),
      this.deps.keys.tenantSettingsChannel(),
    );
  }

  /** Every tenant's entry: at start and whenever the link comes back (announcements were missed). */
  async loadAll(): Promise<void> {
    const all = await this.deps.redis.hgetall(this.deps.keys.tenantSettings());
    for (const [tenant, raw] of Object.entries(all)) {
      if (tenantIdProblem(tenant) === null) this.applyRaw(tenant, raw);
      else this.deps.warn(null, '[fleet] ignored tenant settings stored under an invalid tenant id');
    }
  }

  private async reload(tenant: string): Promise<void> {
    if (tenantIdProblem(tenant) !== null) {
      this.deps.warn(null, `[fleet] ignored a tenant settings announcement for an invalid tenant id`);
      return;
    }
    try {
      const raw = await this.deps.redis.hget(this.deps.keys.tenantSettings(), tenant);
      if (raw !== null) this.applyRaw(tenant, raw);
    } catch (err) {
      this.deps.warn(
        tenant,
        `[fleet] reading tenant '${tenant}' settings failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  private applyRaw(tenant: string, raw: string): void {
    try {
      this.deps.apply(tenant, parseSharedSettings(raw, `fleet settings of tenant '${tenant}'`));
    } catch (err) {
      this.deps.warn(
        tenant,
        `[fleet] ${err instanceof Error ? err.message : String(err)}; keeping the current settings`,
      );
    }
  }
}
