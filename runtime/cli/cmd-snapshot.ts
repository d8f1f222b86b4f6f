// `openrtc snapshot [--socket PATH] [--json]`: one runtimeSnapshot(), from our runtime or from a
// Python OpenRTC worker's top.sock (mapped onto the same shape).
import { describeLoopBlock } from '../../protocol/loop-block';
import { EXIT_OK, parseCommandArgs, usageError, type Command } from './command';
import { formatSnapshot } from './format-snapshot';
import { openConnection, resolveSocket } from './runtime-link';

const USAGE = `usage: openrtc snapshot [--socket PATH] [--json]

Prints the runtime's snapshot: totals, loop lag, each tenant's active/cap, failures,
rejections by reason and breaker state, and every live session.
--socket may also name a Python OpenRTC worker's top.sock.
  --json    the snapshot as one JSON object (OpenRTC's snake_case field names)`;

export const snapshotCommand: Command = {
  name: 'snapshot',
  summary: "print the runtime's snapshot (tenants, breakers, sessions)",
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { socket: { type: 'string' }, json: { type: 'boolean' } });
    if (values.help) {
      io.out(USAGE);
      return EXIT_OK;
    }
    if (positionals.length) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    const socketPath = resolveSocket(values.socket, io);
    const connection = await openConnection(socketPath);
    if (connection.kind === 'python-top') {
      const { snapshot, unknown } = connection.top;
      io.out(
        values.json
          ? JSON.stringify(snapshot)
          : formatSnapshot(snapshot, [`Python OpenRTC worker; not reported: ${unknown.join(', ')}`]),
      );
      return EXIT_OK;
    }
    try {
      const snapshot = await connection.client.request('snapshot');
      if (values.json) io.out(JSON.stringify(snapshot));
      else {
        // The runtime answers from its control thread while the loop is blocked: say so first.
        if (snapshot.loop) io.out(`${describeLoopBlock(snapshot.loop, connection.client.hello.workspace)}`);
        io.out(formatSnapshot(snapshot));
      }
    } finally {
      connection.client.close();
    }
    return EXIT_OK;
  },
};
