// Every handler is guarded so one bad input answers its fallback (and logs why) instead of
// killing the server; a ResponseError is an answer the handler chose, so it goes through.
import { ResponseError } from 'vscode-languageserver';

export type Log = (message: string) => void;

export function guarded<A extends unknown[], R>(
  log: Log,
  name: string,
  fallback: R,
  handler: (...args: A) => R | Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args: A): Promise<R> => {
    try {
      return await handler(...args);
    } catch (error) {
      if (error instanceof ResponseError) throw error;
      log(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return fallback;
    }
  };
}
