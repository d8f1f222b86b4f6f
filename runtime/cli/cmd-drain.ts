// `openrtc drain [--timeout S] [--socket PATH]`: stop admitting, let live sessions finish.
import { EXIT_OK, numberArg, parseCommandArgs, usageError, type Command } from './command';
import { resolveSocket, withClient } from './runtime-link';

const USAGE = `usage: openrtc drain [--timeout S] [--socket PATH]

Stops admitting new sessions and waits for live ones to end (at most S seconds, then they are
cancelled). The runtime keeps serving the control socket afterwards.`;

export const drainCommand: Command = {
  name: 'drain',
  summary: 'stop admitting sessions and wait for live ones to end',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { timeout: { type: 'string' }, socket: { type: 'string' } });
    if (values.help) {
      io.out(USAGE);
      return EXIT_OK;
    }
    if (positionals.length) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    const timeout = numberArg('--timeout', values.timeout, 0, 3600);
    await withClient(resolveSocket(values.socket, io), (client) =>
      client.request('drain', timeout === undefined ? {} : { timeout_s: timeout }),
    );
    io.out('drained');
    return EXIT_OK;
  },
};
