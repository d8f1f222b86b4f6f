// The `fleet` block (issue 15, Deliver 1) resolved: defaults filled and the Redis URL read from the
// environment variable the block names. Errors name the variable and the key, never the URL: it
// may carry a password.
import type { FleetConfig } from '../config/types';

export type UnavailableMode = 'fail_open' | 'fail_closed';

export interface FleetSettings {
  redisUrl: string;
  keyPrefix: string;
  leaseTtlMs: number;
  onUnavailable: UnavailableMode;
}

export const FLEET_DEFAULTS = { keyPrefix: 'openrtc:', leaseTtlS: 10, onUnavailable: 'fail_open' } as const;

export class FleetSettingsError extends Error {
  override name = 'FleetSettingsError';
}

/** null: no `fleet` block, so admission stays per runtime. Problems are about `fleet.redis_url_env`. */
export function resolveFleetSettings(cfg: FleetConfig | undefined, env: NodeJS.ProcessEnv): FleetSettings | null {
  if (cfg === undefined) return null;
  const name = cfg.redis_url_env;
  const value = env[name]?.trim() ?? '';
  if (value === '') {
    throw new FleetSettingsError(`environment variable ${name} is not set`);
  }
  let protocol: string;
  try {
    protocol = new URL(value).protocol;
  } catch {
    throw new FleetSettingsError(`${name} is not a URL`);
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw new FleetSettingsError(`${name} must be redis:// or rediss://, got ${protocol}//`);
  }
  return {
    redisUrl: value,
    keyPrefix: cfg.key_prefix ?? FLEET_DEFAULTS.keyPrefix,
    leaseTtlMs: Math.round((cfg.lease_ttl_s ?? FLEET_DEFAULTS.leaseTtlS) * 1000),
    onUnavailable: cfg.on_unavailable ?? FLEET_DEFAULTS.onUnavailable,
  };
}

/** The URL as logs may show it: scheme, host and port, never user or password. */
export function publicRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname && u.pathname !== '/' ? u.pathname : ''}`;
  } catch {
    return '(invalid URL)';
  }
}
