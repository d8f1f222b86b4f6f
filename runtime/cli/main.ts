// `openrtc`: the CLI entry (bundled to dist/cli.js). Dispatches to the command table and turns
// every failure into a one-line message and an exit code: never a stack trace.
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE, type CliIo } from './command';
import { commands } from './commands';

function overview(): string {
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
  if (name === undefined) {
    io.err(overview());
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h') {
    io.out(overview());
    return EXIT_OK;
  }
  if (name === '--version') {
    io.out((await import('../runtime.js')).RUNTIME_VERSION);
    return EXIT_OK;
  }
  const helpFor = name === 'help' ? rest[0] : undefined;
  const command = commands.find((c) => c.name === (helpFor ?? name));
  if (name === 'help' && !helpFor) {
    io.out(overview());
    return EXIT_OK;
  }
  if (!command) {
    io.err(
      `openrtc: unknown command ${JSON.stringify(helpFor ?? name)}; one of ${commands.map((c) => c.name).join(', ')} (openrtc --help)`,
    );
    return EXIT_USAGE;
  }
  try {
    return await command.run(helpFor ? ['--help'] : rest, io);
  } catch (error) {
    if (error instanceof CliError) {
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

const io: CliIo = {
  out: (text) => void process.stdout.write(`${text}\n`),
  err: (text) => void process.stderr.write(`${text}\n`),
  env: process.env,
  cwd: process.cwd(),
};
// `openrtc logs ... | head` closes our stdout early; that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(EXIT_OK);
});

void main(process.argv.slice(2), io).then((code) => {
  process.exitCode = code;
  // Anything still holding the loop after the command is done (a stray watcher) must not hang the CLI.
  setTimeout(() => process.exit(code), 2000).unref();
});
