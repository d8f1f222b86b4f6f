// The shape every `openrtc` subcommand has, and the errors that map to exit codes a script can
// rely on: 0 ok, 1 the command (or some of its calls) failed, 2 bad usage or no runtime.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { messageOf } from '../../protocol/errors';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export interface CliIo {
  out(text: string): void;
  /** Bytes to stdout as they are (no newline added). */
  outBytes(bytes: Uint8Array): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface Command {
  name: string;
  /** One line for `openrtc --help`. */
  summary: string;
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

/** An error that ends the command with `exitCode` and a one-line message (never a stack trace). */
export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * A CliError by its shape, not its class: dist/cli.js and dist/cli-commands.js (the table it
 * loads) each hold a copy of this module, so an error thrown by a command is not an instance of
 * the dispatcher's class.
 */
export const isCliError = (error: unknown): error is CliError =>
  error instanceof Error && error.name === 'CliError' && typeof (error as Partial<CliError>).exitCode === 'number';

export const usageError = (message: string): CliError => new CliError(EXIT_USAGE, message);

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs with strict checking, its errors turned into usage errors, and --help built in. */
export function parseCommandArgs<O extends Options>(argv: readonly string[], options: O, allowPositionals = true) {
  try {
    return parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals,
      strict: true,
    });
  } catch (error) {
    throw usageError(messageOf(error).split('\n')[0] ?? 'bad arguments');
  }
}

export function intArg(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || n < min || n > max)
    throw usageError(`${name} must be a whole number from ${min} to ${max}; got ${JSON.stringify(value)}`);
  return n;
}

export function numberArg(
  name: string,
  value: string | undefined,
  min: number,
  max: number,
  minExclusive = false,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n > max || n < min || (minExclusive && n === min)) {
    throw usageError(
      `${name} must be a number ${minExclusive ? 'greater than' : 'from'} ${min}${minExclusive ? ' and at most' : ' to'} ${max}; got ${JSON.stringify(value)}`,
    );
  }
  return n;
}
