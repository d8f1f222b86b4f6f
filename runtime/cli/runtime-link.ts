// How CLI commands find and reach a running runtime: --socket, else $OPENRTC_SOCKET, else the
// default socket of the workspace in the current directory. Failing to connect is exit 2 with
// a one-line hint.
import { ControlError, ErrorCodes } from '../../protocol/control';
import { ConnectError, connectControl, type ControlClient, type ControlConnection } from '../../protocol/connect';
import { defaultSocketPath } from '../../protocol/socket-path';
import { CliError, EXIT_FAILED, EXIT_USAGE, type CliIo } from './command';

export function resolveSocket(flag: string | undefined, io: CliIo): string {
  if (flag) return flag;
  const env = io.env.OPENRTC_SOCKET;
  if (env && env.length > 0) return env;
  return defaultSocketPath(io.cwd, io.env);
}

const START_HINT = 'start one with `openrtc run`';

export async function openConnection(socketPath: string): Promise<ControlConnection> {
  try {
    return await connectControl(socketPath, { timeoutMs: 3000, clientName: 'openrtc-cli' });
  } catch (error) {
    if (!(error instanceof ConnectError)) throw error;
    if (error.kind === 'garbled' || error.kind === 'protocol_version') throw new CliError(EXIT_USAGE, error.message);
    // ConnectError messages already begin with "no runtime at <path>" where that is the case.
    const message = error.message.startsWith('no runtime at')
      ? error.message
      : `no runtime at ${socketPath}: ${error.message}`;
    throw new CliError(EXIT_USAGE, `${message}; ${START_HINT}`);
  }
}

/** Runs `action` against our runtime (not a Python top.sock, which serves snapshots only). */
export async function withClient<T>(socketPath: string, action: (client: ControlClient) => Promise<T>): Promise<T> {
  const connection = await openConnection(socketPath);
  if (connection.kind !== 'openrtc') {
    throw new CliError(EXIT_USAGE, `${socketPath} is a Python OpenRTC worker's top.sock: it serves snapshots only`);
  }
  try {
    return await action(connection.client);
  } catch (error) {
    if (error instanceof ControlError) {
      const badInput = error.code === ErrorCodes.InvalidParams || error.code === ErrorCodes.InvalidTenantId;
      throw new CliError(badInput ? EXIT_USAGE : EXIT_FAILED, error.message);
    }
    throw error;
  } finally {
    connection.client.close();
  }
}
