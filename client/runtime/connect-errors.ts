// ConnectError (protocol/connect.ts) → a sentence that tells the user what to do next.
import { ConnectError } from '../../protocol/connect';

export function explainConnectError(err: unknown): string {
  if (!(err instanceof ConnectError)) return err instanceof Error ? err.message : String(err);
  const where = err.socketPath;
  switch (err.kind) {
    case 'no_socket':
      return `No OpenRTC runtime is running at ${where}. Start one with "OpenRTC: Start Runtime" or \`openrtc run\`.`;
    case 'refused':
      return `${where} refused the connection: the runtime that created it has stopped (stale socket). Start or restart the runtime.`;
    case 'not_socket':
      return `${where} is not a socket; give the path of a runtime's control socket or a Python OpenRTC top.sock.`;
    case 'timeout':
      return `${where} did not answer in time; the runtime may be stuck (check its loop lag) or it is not an OpenRTC socket.`;
    case 'garbled':
      return `${where} does not speak the OpenRTC control protocol: ${err.message}`;
    case 'protocol_version':
      return err.message;
  }
}
