// Failure containment: an error escaping agent code must fail only the session it came from.
//
// Mechanism, checked empirically on Node 20.20.2 and 24.22.3 (throw from setTimeout,
// setImmediate, process.nextTick, an EventEmitter 'error', Promise.reject() and an async
// function rejecting after an await, each started inside AsyncLocalStorage.run()):
// the ALS store of the code that threw is still active inside process 'uncaughtException' and
// 'unhandledRejection' handlers. So the handler reads the store and fails that session; no
// timer/microtask wrapping or promise tagging is needed. Errors with no session store are runtime
// faults: they are logged (never rethrown, so a stray library callback cannot kill every
// tenant's calls) and reported through `onStray`.
import { sessionStorage } from './scope';
import { sessionOfScope, type ErrorOrigin, type Session } from './session';

export function installContainment(
  onSessionError: (session: Session, error: unknown, origin: ErrorOrigin) => void,
  onStray: (error: unknown, origin: ErrorOrigin) => void,
): () => void {
  const handle = (origin: ErrorOrigin) => (error: unknown) => {
    const session = sessionOfScope(sessionStorage.getStore());
    if (session) onSessionError(session, error, origin);
    else onStray(error, origin);
  };
  const onException = handle('uncaughtException');
  const onRejection = handle('unhandledRejection');
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}
