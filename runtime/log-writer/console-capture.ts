// console.* inside a session becomes a scoped log record (logger "console"); outside any session it
// reaches the terminal unchanged. Installed by the runtime for its lifetime and restored on stop.
import { currentScope } from '../session/scope';
import type { LogLevel, RuntimeLog } from './log';

const METHODS: [keyof Console, LogLevel][] = [
  ['log', 'info'],
  ['info', 'info'],
  ['debug', 'debug'],
  ['warn', 'warn'],
  ['error', 'error'],
  ['trace', 'debug'],
];

export function captureConsole(log: RuntimeLog): () => void {
  const originals = new Map<keyof Console, unknown>();
  for (const [name, level] of METHODS) {
    // Console methods are typed individually; we only forward the arguments we were given.
    // Kept unbound on purpose: it is called back with `.apply(console, …)`.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const original = console[name] as (...args: unknown[]) => void;
    originals.set(name, original);
    (console as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      const scope = currentScope();
      if (scope) log.writeArgs(level, scope, 'console', args);
      else original.apply(console, args);
    };
  }
  return () => {
    for (const [name, original] of originals) (console as unknown as Record<string, unknown>)[name] = original;
  };
}
