// What an embedder (the CLI, tests, benchmarks) passes to Runtime.start(). In a file of its own
// because both the Runtime and the parts it wires (engine/runtime-parts.ts) read it.
import type { CallScript } from './caller/local-caller';
import type { IsolationOptions } from './isolation/isolation-manager';
import type { AttributionFactory } from './loop-health/attribution-seam';
import type { Clock } from './policy/clock';

export interface RuntimeStartOptions {
  workspaceDir: string;
  /** Default: `<workspaceDir>/openrtc.json` when it exists, else built-in defaults. */
  configPath?: string;
  /** Loop-block/CPU attribution (runtime/attribution); without it cpu/blocked figures stay 0/null. */
  attribution?: AttributionFactory;
  /** Watch openrtc.json and agent files for changes (default true). */
  watch?: boolean;
  /** Where `<key>_env` secrets are read from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Caller defaults (reply timeout, hang-up grace); tests shorten them. */
  callScript?: Partial<CallScript>;
  clock?: Clock;
  /** Per-tenant child processes (runtime/isolation): child program, timeouts, restart backoff. */
  isolation?: IsolationOptions;
  /** Called once the drain that `memory_limit_mb` started has finished: the embedder exits non-zero. */
  onMemoryLimitDrained?: () => void;
  /** Idle tenants whose counters are kept before the oldest are folded into one aggregate (default 10,000). */
  retainedTenants?: number;
}
