// The session scope carried through AsyncLocalStorage. It is what makes a log record,
// a console.* line, an uncaught error or a loop block attributable to one session.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface SessionScope {
  readonly sessionId: string;
  readonly tenant: string;
  readonly agentName: string;
}

export const sessionStorage = new AsyncLocalStorage<SessionScope>();

export function currentScope(): SessionScope | undefined {
  return sessionStorage.getStore();
}

/**
 * The loop-block watchdog pauses the main thread through the inspector and evaluates
 * this global on the paused frame to learn which session holds the loop. Keep it a plain
 * function returning a JSON string: evaluation must not allocate much or throw.
 */
export const SCOPE_PROBE_GLOBAL = '__openrtcScopeProbe';

export function installScopeProbe(): void {
  const probe = (): string | null => {
    const s = sessionStorage.getStore();
    return s ? JSON.stringify({ session_id: s.sessionId, tenant: s.tenant, agent_name: s.agentName }) : null;
  };
  Object.defineProperty(globalThis, SCOPE_PROBE_GLOBAL, { value: probe, configurable: true, enumerable: false });
}
