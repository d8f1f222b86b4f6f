// `openrtc run --livekit` settings (issue 17, Deliver 1): the server and credentials come from
// environment variables (LIVEKIT_URL / LIVEKIT_API_KEY / LIVEKIT_API_SECRET, or the names the
// `livekit` block gives), everything else from the block with LiveKit's defaults. Errors name
// the variable, never its value.
import type { LiveKitConfig } from '../../config/types';
import type { BackoffSettings } from '../../isolation/backoff';
import { DEFAULT_WORKER_TIMING } from './worker-client';

export interface LiveKitModeSettings {
  url: string;
  apiKey: string;
  apiSecret: string;
  /** One registration per name. */
  agentNames: string[];
  drainTimeoutS: number;
  statusIntervalMs: number;
  assignmentTimeoutMs: number;
  reconnect: BackoffSettings;
  maxFrameBytes: number;
}

export class LiveKitSettingsError extends Error {
  override name = 'LiveKitSettingsError';
}

/**
 * `captured`: the agent names the workspace's agents-js files gave their ServerOptions; without
 * `agent_name` in the block, worker mode registers once per captured name (else automatic
 * dispatch, ''), as each file would under LiveKit's own worker.
 */
export function resolveLiveKitSettings(
  cfg: LiveKitConfig,
  env: NodeJS.ProcessEnv,
  captured: readonly string[] = [],
): LiveKitModeSettings {
  const read = (key: 'url_env' | 'api_key_env' | 'api_secret_env', fallback: string): string => {
    const name = cfg[key] ?? fallback;
    const value = env[name];
    if (value === undefined || value.trim() === '') {
      throw new LiveKitSettingsError(
        `--livekit: environment variable ${name} is not set (${cfg[key] ? `livekit.${key} in openrtc.json` : `default for livekit.${key}`})`,
      );
    }
    return value.trim();
  };
  const url = read('url_env', 'LIVEKIT_URL');
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new LiveKitSettingsError(`--livekit: ${cfg.url_env ?? 'LIVEKIT_URL'} is not a URL`);
  }
  if (!['ws:', 'wss:', 'http:', 'https:'].includes(protocol)) {
    throw new LiveKitSettingsError(
      `--livekit: ${cfg.url_env ?? 'LIVEKIT_URL'} must be ws(s):// or http(s)://, got ${protocol}//`,
    );
  }
  const apiKey = read('api_key_env', 'LIVEKIT_API_KEY');
  const apiSecret = read('api_secret_env', 'LIVEKIT_API_SECRET');
  const names =
    cfg.agent_name === undefined
      ? captured.length > 0
        ? captured
        : ['']
      : typeof cfg.agent_name === 'string'
        ? [cfg.agent_name]
        : cfg.agent_name;
  const initialMs = cfg.reconnect_initial_ms ?? DEFAULT_WORKER_TIMING.reconnect.initialMs;
  return {
    url,
    apiKey,
    apiSecret,
    agentNames: [...new Set(names)],
    drainTimeoutS: cfg.drain_timeout_s ?? 30,
    statusIntervalMs: cfg.status_interval_ms ?? DEFAULT_WORKER_TIMING.statusIntervalMs,
    assignmentTimeoutMs: cfg.assignment_timeout_ms ?? DEFAULT_WORKER_TIMING.assignmentTimeoutMs,
    reconnect: {
      initialMs,
      maxMs: Math.max(initialMs, cfg.reconnect_max_ms ?? DEFAULT_WORKER_TIMING.reconnect.maxMs),
      stableMs: DEFAULT_WORKER_TIMING.reconnect.stableMs,
    },
    maxFrameBytes: DEFAULT_WORKER_TIMING.maxFrameBytes,
  };
}
