// Scoped JSONL logs through pino with OpenRTC's record fields (DESIGN §3.8):
//   timestamp (ISO 8601), level (Python levelname), session_id, agent_name, tenant, logger,
//   message, exc_info (only when present). Records outside a session carry nulls.
// The destination is sonic-boom in sync mode with a 4 KB batch: records are written with
// writeSync in batches, so flushSync() (on stop, on process exit, before logs() reads the file)
// is complete and ordered. An async destination would need its fd opened before a shutdown can
// flush, and a flush during an in-flight async write can reorder lines. Measured per record: the
// same cost as async with the same batch (/tmp probe in the engine report). A timer also flushes
// every FLUSH_INTERVAL_MS, so `logs --follow` and the editor's log view see records promptly on a
// quiet runtime, and SIGKILL or a native crash loses at most that long a batch (< 4 KB). That timer
// only writes (the records are then in the OS's cache, which a killed process does not lose):
// flushSync's fsync, 5 a second on the loop, blocked it ~1 ms each under load (voice density
// profile), so it is kept for stop and exit.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { format } from 'node:util';
import pino, { type Logger } from 'pino';
import type { SessionScope } from '../session/scope';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** Whom a record concerns: a session, or a whole tenant (breaker transitions, operator actions on it). */
export type RecordScope = SessionScope | { readonly tenant: string };

/** The logger name of the runtime's own records (sessions' and agents' records carry their own). */
export const RUNTIME_LOGGER = 'openrtc';
const FLUSH_INTERVAL_MS = 200;

const PYTHON_LEVEL_NAMES: Record<string, string> = {
  trace: 'DEBUG',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'CRITICAL',
};

/** What agent code gets as ctx.log: printf-style like console; a trailing Error becomes exc_info. */
export interface ScopedLogger {
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string, ...args: unknown[]): void;
}

export class RuntimeLog {
  private readonly dest: ReturnType<typeof pino.destination>;
  private readonly pino: Logger;
  private closed = false;
  private readonly flushOnExit = (): void => this.flushSync();
  private readonly flushTimer: NodeJS.Timeout;

  constructor(readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.dest = pino.destination({ dest: file, sync: true, minLength: 4096 });
    this.pino = pino(
      {
        level: 'debug',
        base: null,
        messageKey: 'message',
        timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
        formatters: { level: (label) => ({ level: PYTHON_LEVEL_NAMES[label] ?? label.toUpperCase() }) },
      },
      this.dest,
    );
    process.on('exit', this.flushOnExit);
    this.flushTimer = setInterval(() => this.closed || this.dest.flush(), FLUSH_INTERVAL_MS).unref();
  }

  write(level: LogLevel, scope: RecordScope | null, logger: string, message: string, excInfo?: string): void {
    if (this.closed) return;
    const session = scope && 'sessionId' in scope ? scope : null;
    const fields: Record<string, unknown> = {
      session_id: session?.sessionId ?? null,
      agent_name: session?.agentName ?? null,
      tenant: scope?.tenant ?? null,
      logger,
    };
    if (excInfo !== undefined) fields['exc_info'] = excInfo;
    this.pino[level](fields, message);
  }

  /** printf-style entry used by ctx.log and console capture. */
  writeArgs(level: LogLevel, scope: SessionScope | null, logger: string, args: unknown[]): void {
    const last = args.at(-1);
    const error = args.length > 1 && last instanceof Error ? last : undefined;
    const parts = error ? args.slice(0, -1) : args;
    this.write(level, scope, logger, format(...parts), error && describeError(error));
  }

  scoped(scope: SessionScope, logger: string): ScopedLogger {
    const at =
      (level: LogLevel) =>
      (message: string, ...args: unknown[]) =>
        this.writeArgs(level, scope, logger, [message, ...args]);
    return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  }

  /** Writes the pending batch now (stop, process exit, before logs() reads the file). */
  flushSync(): void {
    if (!this.closed) this.dest.flushSync();
  }

  close(): void {
    if (this.closed) return;
    this.flushSync();
    this.closed = true;
    clearInterval(this.flushTimer);
    process.off('exit', this.flushOnExit);
    this.dest.end();
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  try {
    return `non-Error thrown: ${typeof error === 'string' ? error : JSON.stringify(error)}`;
  } catch {
    return `non-Error thrown: ${String(error)}`;
  }
}

/** OpenRTC's last_error form: "<Class>: <message>". */
export function errorSummary(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return describeError(error);
}
