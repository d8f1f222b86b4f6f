// `openrtc`: the CLI entry (bundled to dist/cli.js). Dispatches to the command table and turns
// every failure into a one-line message and an exit code: never a stack trace.
// `check` is dispatched without the table: the table is every command's code (most of the CLI's
// bytes: the runtime, the LiveKit SDKs), which a warm `openrtc check` in CI or a
// pre-commit hook would spend longer compiling than checking. The table is a bundle of its own.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { checkCommand } from './cmd-check';
import { FdOutput } from './fd-output';
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE, isCliError, type CliIo, type Command } from './command';
import type * as CommandTable from './commands';

/** The command table's bundle, beside dist/cli.js (scripts/build.mjs builds them together). */
const COMMANDS_BUNDLE = 'cli-commands.js';

/** Bundled: dist/cli-commands.js; run from source (tsx): ./commands. A run-time path the bundler leaves alone. */
function loadTable(): typeof CommandTable {
  if (__filename.endsWith('.ts')) return createRequire(__filename)('./commands') as typeof CommandTable;
  const bundle = path.join(__dirname, COMMANDS_BUNDLE);
  if (!existsSync(bundle)) throw new CliError(EXIT_USAGE, `${bundle} is missing: build it with npm run build`);
  return createRequire(__filename)(bundle) as typeof CommandTable;
}

function overview(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'usage: openrtc <command> [options]    (openrtc <command> --help for its options)',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "The socket defaults to $OPENRTC_SOCKET, else the current workspace's runtime socket.",
    'Exit codes: 0 ok, 1 the command or some calls failed, 2 bad usage or no runtime.',
  ].join('\n');
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === checkCommand.name) return runCommand(checkCommand, rest, io);
  let table: typeof CommandTable;
  try {
    table = loadTable();
  } catch (error) {
    if (!isCliError(error)) throw error;
    io.err(`openrtc: ${error.message}`);
    return error.exitCode;
  }
  const { commands, RUNTIME_VERSION } = table;
  if (name === undefined) {
    io.err(overview(commands));
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h') {
    io.out(overview(commands));
    return EXIT_OK;
  }
  if (name === '--version') {
    io.out(RUNTIME_VERSION);
    return EXIT_OK;
  }
  const helpFor = name === 'help' ? rest[0] : undefined;
  const command = commands.find((c) => c.name === (helpFor ?? name));
  if (name === 'help' && !helpFor) {
    io.out(overview(commands));
    return EXIT_OK;
  }
  if (!command) {
    io.err(
      `openrtc: unknown command ${JSON.stringify(helpFor ?? name)}; one of ${commands.map((c) => c.name).join(', ')} (openrtc --help)`,
    );
    return EXIT_USAGE;
  }
  return runCommand(command, helpFor ? ['--help'] : rest, io);
}

async function runCommand(command: Command, argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await command.run(argv, io);
  } catch (error) {
    if (isCliError(error)) {
      io.err(
        `openrtc ${command.name}: ${error.message}${error.exitCode === EXIT_USAGE && !error.message.startsWith('no runtime') ? ` (openrtc ${command.name} --help)` : ''}`,
      );
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.err(`openrtc ${command.name}: ${message}`);
    if (process.env.OPENRTC_DEBUG) io.err(String(error instanceof Error ? error.stack : error));
    return EXIT_FAILED;
  }
}

// `openrtc logs ... | head` closes our stdout early; that is not an error. Nobody to tell when stderr is gone.
const stdout = new FdOutput(1, () => process.exit(EXIT_OK));
const stderr = new FdOutput(2, () => undefined);
const io: CliIo = {
  out: (text) => stdout.write(`${text}\n`),
  outBytes: (bytes) => stdout.write(bytes),
  err: (text) => stderr.write(`${text}\n`),
  env: process.env,
  cwd: process.cwd(),
};

void main(process.argv.slice(2), io).then((code) => {
  process.exitCode = code;
  // Anything still holding the loop after the command is done (a stray watcher) must not hang the CLI.
  setTimeout(() => process.exit(code), 2000).unref();
});
