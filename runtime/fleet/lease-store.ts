// Leases in Redis (issue 15, Deliver 2): each decision is one Lua script, so the tenant, agent and
// worker counts are checked and incremented together or not at all, whatever the other runtimes
// do at the same moment. Expiry is Redis's own clock (TIME), so runtimes on machines whose clocks
// disagree still agree on which leases are dead. Scripts go as EVAL (Redis caches them by hash):
// unlike EVALSHA with a NOSCRIPT retry, every command then runs in the order it was sent, which
// renewal and release rely on (a release sent after a renewal always wins).
import type { Redis } from 'ioredis';
import type { FleetKeys } from './keys';

/** Shared by every script: Redis's time in ms, and a set's key expiring with its latest lease. */
const PRELUDE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function touch(key)
  local top = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if top[2] then redis.call('PEXPIREAT', key, top[2]) end
end
`;

/** KEYS: tenant, agent, runtime sets. ARGV: lease id, ttl ms, tenant cap, agent cap, worker cap (-1 = none). */
const ACQUIRE = `${PRELUDE}
local counts = {}
for i = 1, 3 do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
  counts[i] = redis.call('ZCARD', KEYS[i])
  local cap = tonumber(ARGV[i + 2])
  if cap >= 0 and counts[i] >= cap then return {0, i, counts[i]} end
end
local expiry = now + tonumber(ARGV[2])
for i = 1, 3 do
  redis.call('ZADD', KEYS[i], expiry, ARGV[1])
  touch(KEYS[i])
end
return {1, counts[1] + 1, counts[2] + 1, counts[3] + 1}
`;

/**
 * KEYS: runtime set, runtime info, then tenant and agent set per lease. ARGV: ttl ms, info JSON,
 * then the lease ids. Adds as well as extends: after Redis lost its data this is the rebuild.
 */
const RENEW = `${PRELUDE}
local expiry = now + tonumber(ARGV[1])
redis.call('SET', KEYS[2], ARGV[2], 'PX', tonumber(ARGV[1]))
for i = 3, #ARGV do
  local lease = ARGV[i]
  local j = 3 + (i - 3) * 2
  redis.call('ZADD', KEYS[1], expiry, lease)
  redis.call('ZADD', KEYS[j], expiry, lease)
  redis.call('ZADD', KEYS[j + 1], expiry, lease)
end
for i = 1, #KEYS do
  if i ~= 2 then touch(KEYS[i]) end
end
return #ARGV - 2
`;

/** KEYS: tenant, agent, runtime sets. ARGV: lease id. */
const RELEASE = `
local n = 0
for i = 1, 3 do n = n + redis.call('ZREM', KEYS[i], ARGV[1]) end
return n
`;

/** KEYS: lease sets. Returns how many live (unexpired) leases each holds. */
const COUNT = `${PRELUDE}
local out = {}
for i = 1, #KEYS do out[i] = redis.call('ZCOUNT', KEYS[i], '(' .. now, '+inf') end
return out
`;

export interface LeaseRef {
  id: string;
  tenant: string;
  agent: string;
}

export interface LeaseCaps {
  tenant: number | null;
  agent: number | null;
  worker: number;
}

/** Which count was full: the order the script checks them in, the same as local admission's. */
export type FullCount = 'tenant' | 'agent' | 'worker';

export type AcquireReply =
  | { ok: true; tenantActive: number; agentActive: number; workerActive: number }
  | { ok: false; full: FullCount; active: number };

const FULL: readonly FullCount[] = ['tenant', 'agent', 'worker'];

export class LeaseStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: FleetKeys,
    private readonly runtimeId: string,
  ) {}

  async acquire(lease: LeaseRef, ttlMs: number, caps: LeaseCaps): Promise<AcquireReply> {
    const reply = (await this.redis.eval(
      ACQUIRE,
      3,
      this.keys.tenantLeases(lease.tenant),
      this.keys.agentLeases(lease.agent),
      this.keys.runtimeLeases(this.runtimeId),
      lease.id,
      ttlMs,
      caps.tenant ?? -1,
      caps.agent ?? -1,
      caps.worker,
    )) as number[];
    if (reply[0] === 1) {
      return { ok: true, tenantActive: reply[1]!, agentActive: reply[2]!, workerActive: reply[3]! };
    }
    return { ok: false, full: FULL[reply[1]! - 1]!, active: reply[2]! };
  }

  /** Extends (or re-creates) every lease given and publishes this runtime's status; returns how many. */
  async renew(leases: readonly LeaseRef[], ttlMs: number, info: string): Promise<number> {
    const keys = [this.keys.runtimeLeases(this.runtimeId), this.keys.runtimeInfo(this.runtimeId)];
    for (const l of leases) keys.push(this.keys.tenantLeases(l.tenant), this.keys.agentLeases(l.agent));
    return (await this.redis.eval(RENEW, keys.length, ...keys, ttlMs, info, ...leases.map((l) => l.id))) as number;
  }

  async release(lease: LeaseRef): Promise<void> {
    await this.redis.eval(
      RELEASE,
      3,
      this.keys.tenantLeases(lease.tenant),
      this.keys.agentLeases(lease.agent),
      this.keys.runtimeLeases(this.runtimeId),
      lease.id,
    );
  }
}

/** Live leases per tenant across the fleet (for snapshots, `top`, tests), pruning nothing. */
export async function fleetTenantCounts(
  redis: Redis,
  keys: FleetKeys,
  tenants: readonly string[],
): Promise<Map<string, number>> {
  if (tenants.length === 0) return new Map();
  const counts = (await redis.eval(COUNT, tenants.length, ...tenants.map((t) => keys.tenantLeases(t)))) as number[];
  return new Map(tenants.map((t, i) => [t, counts[i] ?? 0]));
}
