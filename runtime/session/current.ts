// currentSession(): the full session context from anywhere inside a session. The ALS store of
// scope.ts *is* the context object (it has sessionId/tenant/agentName), so there is one store.
import type { SessionContext } from '../agents/types';
import { sessionStorage } from './scope';

const contexts = new WeakSet<object>();

export function markSessionContext(ctx: SessionContext): void {
  contexts.add(ctx);
}

export function currentSession(): SessionContext | undefined {
  const store = sessionStorage.getStore();
  return store !== undefined && contexts.has(store) ? (store as SessionContext) : undefined;
}
