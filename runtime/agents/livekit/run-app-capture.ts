// A stock agents-js file ends with `cli.runApp(new ServerOptions({ agent, agentName }))`. Run in
// our process, the real runApp would parse the runtime's argv, print help and exit it. Agent
// code gets a runApp that records what the call carries instead; the loader reads it back for
// the file it is evaluating (evaluation is synchronous, so one file is evaluated at a time).
import type { JobRequest, ServerOptions } from '@livekit/agents';

/** What the runtime uses from a captured ServerOptions. */
export interface RunAppCapture {
  agentName: string | null;
  requestFunc: ((job: JobRequest) => Promise<void>) | null;
  permissions: ServerOptions['permissions'] | null;
  /** Bound on prewarm (ServerOptions.initializeProcessTimeout). */
  initializeProcessTimeoutMs: number | null;
  /** Bound on onSessionEnd (ServerOptions.sessionEndTimeout). */
  sessionEndTimeoutMs: number | null;
}

let target: RunAppCapture[] | null = null;

/** Runs `evaluate` and returns what any runApp call made during it carried (the last call wins). */
export function capturingRunApp<T>(evaluate: () => T): { result: T; capture: RunAppCapture | null } {
  const previous = target;
  const calls: RunAppCapture[] = [];
  target = calls;
  try {
    return { result: evaluate(), capture: calls.at(-1) ?? null };
  } finally {
    target = previous;
  }
}

/** The runApp agent code sees. Never exits, never prints, never starts a worker. */
export function captureRunApp(opts: unknown): void {
  if (target === null) return; // called after load (e.g. from a callback): nothing to configure.
  target.push(readServerOptions(opts));
}

function readServerOptions(opts: unknown): RunAppCapture {
  const o = (opts ?? {}) as Partial<Record<keyof ServerOptions, unknown>>;
  const name = typeof o.agentName === 'string' && o.agentName !== '' ? o.agentName : null;
  return {
    agentName: name,
    requestFunc: typeof o.requestFunc === 'function' ? (o.requestFunc as RunAppCapture['requestFunc']) : null,
    permissions:
      o.permissions && typeof o.permissions === 'object' ? (o.permissions as ServerOptions['permissions']) : null,
    initializeProcessTimeoutMs: finiteOrNull(o.initializeProcessTimeout),
    sessionEndTimeoutMs: finiteOrNull(o.sessionEndTimeout),
  };
}

function finiteOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null;
}
