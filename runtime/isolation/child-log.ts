// The child's log: records go to the parent over IPC and the parent writes them to the one log
// file with its own logger, so the file has a single writer and the same record fields as for
// shared sessions. A record sent before the child dies is already in the kernel's pipe buffer,
// so the parent still reads it after a kill -9 (an async file buffer in the child would be lost).
import { format } from 'node:util';
import { describeError, type LogLevel, type ScopedLogger } from '../log-writer/log';
import type { SessionScope } from '../session/scope';
import { IPC_TAG, type ChildMessage } from './messages';

export class ChildLog {
  constructor(private readonly send: (msg: ChildMessage) => void) {}

  write(level: LogLevel, scope: SessionScope | null, logger: string, message: string, excInfo?: string): void {
    const record = {
      level,
      session_id: scope?.sessionId ?? null,
      agent_name: scope?.agentName ?? null,
      tenant: scope?.tenant ?? null,
      logger,
      message,
    };
    this.send({ tag: IPC_TAG, type: 'log', record: excInfo === undefined ? record : { ...record, exc_info: excInfo } });
  }

  /** printf-style, a trailing Error becomes exc_info: the same rule as RuntimeLog.writeArgs. */
  writeArgs(level: LogLevel, scope: SessionScope | null, logger: string, args: unknown[]): void {
    const last = args.at(-1);
    const error = args.length > 1 && last instanceof Error ? last : undefined;
    this.write(level, scope, logger, format(...(error ? args.slice(0, -1) : args)), error && describeError(error));
  }

  scoped(scope: SessionScope, logger: string): ScopedLogger {
    const at =
      (level: LogLevel) =>
      (message: string, ...args: unknown[]) =>
        this.writeArgs(level, scope, logger, [message, ...args]);
    return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  }
}
