// The fleet breaker's shared state in Redis (issue 15, Deliver 3): one hash of tenant → record JSON,
// a revision counter the pollers watch, one bucketed failure window per tenant, one channel that
// announces every decision. Two scripts, each atomic in Redis:
//   sample: adds one outcome to the tenant's window (bucket by Redis time) and returns the counts;
//   decide: writes a record only if the stored one still has the version it was computed from
//           (compare-and-set), bumps the revision, clears the window when asked, publishes it.
// The decisions themselves are fleet-breaker-policy.ts's, in TypeScript; Redis only arbitrates.
// Time is Redis's (TIME) so runtimes on machines whose clocks disagree still agree on the window.
import type { Redis } from 'ioredis';
import { parseRecord, type BreakerAnnouncement } from './fleet-breaker-wire';
import type { FleetBreakerRecord } from './fleet-breaker-policy';
import type { FleetKeys } from './keys';

export type BreakerKeys = Pick<FleetKeys, 'breakers' | 'breakersRev' | 'breakerWindow' | 'breakerChannel'>;

/** Buckets per window, as in the per-runtime breaker: memory per tenant stays fixed whatever the traffic. */
export const WINDOW_BUCKETS = 10;

// KEYS[1] window hash. ARGV: ok (1/0), bucket width ms, bucket count.
// Fields are o<epoch> / f<epoch>; buckets older than the window are deleted as the window moves.
const SAMPLE_LUA = `
local t = redis.call('TIME')
local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local width = tonumber(ARGV[2])
local buckets = tonumber(ARGV[3])
local epoch = math.floor(nowMs / width)
redis.call('HINCRBY', KEYS[1], (ARGV[1] == '1' and 'o' or 'f') .. epoch, 1)
local fields = redis.call('HGETALL', KEYS[1])
local failures, samples = 0, 0
for i = 1, #fields, 2 do
  local e = tonumber(string.sub(fields[i], 2))
  if e == nil or e <= epoch - buckets then
    redis.call('HDEL', KEYS[1], fields[i])
  elseif e <= epoch then
    local n = tonumber(fields[i + 1])
    samples = samples + n
    if string.sub(fields[i], 1, 1) == 'f' then failures = failures + n end
  end
end
redis.call('PEXPIRE', KEYS[1], width * buckets * 2)
return {failures, samples, nowMs}
`;

// KEYS[1] records hash, KEYS[2] revision, KEYS[3] window. ARGV: tenant, expected version, record JSON,
// clear window (1/0), channel, announcement JSON. Returns {1, revision} or {0, current record or ''}.
const DECIDE_LUA = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
local version = 0
if current then
  local ok, rec = pcall(cjson.decode, current)
  if ok and type(rec) == 'table' and type(rec.version) == 'number' then version = rec.version end
end
if version ~= tonumber(ARGV[2]) then return {0, current or ''} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
local rev = redis.call('INCR', KEYS[2])
if ARGV[4] == '1' then redis.call('DEL', KEYS[3]) end
redis.call('PUBLISH', ARGV[5], ARGV[6])
return {1, rev}
`;

// Reads one record with Redis's time, so a decision computed from it uses the fleet's clock.
const READ_LUA = `
local t = redis.call('TIME')
return {redis.call('HGET', KEYS[1], ARGV[1]) or '', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)}
`;

const REVISION_LUA = `
local t = redis.call('TIME')
return {tonumber(redis.call('GET', KEYS[1]) or '0'), tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)}
`;

export interface WindowCounts {
  failures: number;
  samples: number;
}

export interface ReadResult {
  record: FleetBreakerRecord | null;
  redisNowMs: number;
}

export type DecideResult = { written: true } | { written: false; current: FleetBreakerRecord | null };

export class FleetBreakerStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: BreakerKeys,
  ) {}

  async sample(tenant: string, ok: boolean, windowS: number): Promise<WindowCounts & { redisNowMs: number }> {
    const widthMs = Math.max(1, Math.round((windowS * 1000) / WINDOW_BUCKETS));
    const reply = await this.redis.eval(
      SAMPLE_LUA,
      1,
      this.keys.breakerWindow(tenant),
      ok ? '1' : '0',
      widthMs,
      WINDOW_BUCKETS,
    );
    const [failures, samples, redisNowMs] = triple(reply, 'sample');
    return { failures, samples, redisNowMs };
  }

  async read(tenant: string): Promise<ReadResult> {
    const reply = await this.redis.eval(READ_LUA, 1, this.keys.breakers(), tenant);
    if (!Array.isArray(reply) || typeof reply[0] !== 'string' || typeof reply[1] !== 'number') {
      throw new Error('fleet breaker: unexpected reply to read');
    }
    return { record: reply[0] === '' ? null : parseRecord(reply[0], `record of '${tenant}'`), redisNowMs: reply[1] };
  }

  /** Every tenant's record (for the poll that backs up pub/sub); records that do not parse are reported, not used. */
  async readAll(onBad: (tenant: string, problem: string) => void): Promise<Map<string, FleetBreakerRecord>> {
    const raw = await this.redis.hgetall(this.keys.breakers());
    const out = new Map<string, FleetBreakerRecord>();
    for (const [tenant, json] of Object.entries(raw)) {
      try {
        out.set(tenant, parseRecord(json, `record of '${tenant}'`));
      } catch (err) {
        onBad(tenant, err instanceof Error ? err.message : String(err));
      }
    }
    return out;
  }

  /** The revision (bumped by every decision) and Redis's time: what each poll reads first. */
  async revision(): Promise<{ revision: number; redisNowMs: number }> {
    const reply = await this.redis.eval(REVISION_LUA, 1, this.keys.breakersRev());
    const [revision, redisNowMs] = triple(reply, 'revision');
    return { revision, redisNowMs };
  }

  /** Writes `next` if the stored record still has `expectedVersion`; announces it on the channel. */
  async decide(
    tenant: string,
    expectedVersion: number,
    next: FleetBreakerRecord,
    clearWindow: boolean,
  ): Promise<DecideResult> {
    const announcement: BreakerAnnouncement = { tenant, record: next };
    const reply = await this.redis.eval(
      DECIDE_LUA,
      3,
      this.keys.breakers(),
      this.keys.breakersRev(),
      this.keys.breakerWindow(tenant),
      tenant,
      expectedVersion,
      JSON.stringify(next),
      clearWindow ? '1' : '0',
      this.keys.breakerChannel(),
      JSON.stringify(announcement),
    );
    if (!Array.isArray(reply)) throw new Error('fleet breaker: unexpected reply to decide');
    if (reply[0] === 1) return { written: true };
    const current =
      typeof reply[1] === 'string' && reply[1] !== '' ? parseRecord(reply[1], `record of '${tenant}'`) : null;
    return { written: false, current };
  }
}

/** A script's reply of two or three integers (a missing third reads as 0). */
function triple(reply: unknown, what: string): [number, number, number] {
  const ok = Array.isArray(reply) && reply.length >= 2 && reply.every((v) => typeof v === 'number');
  if (!ok) throw new Error(`fleet breaker: unexpected reply to ${what}`);
  const [a, b, c] = reply;
  return [a ?? 0, b ?? 0, c ?? 0];
}
