// Tells a Python OpenRTC top.sock (speaks first: one JSON line, then closes) from our JSON-RPC
// control socket (silent until asked). Reads at most one line, waits at most `quietMs`.
import { openSocket } from './control-link';

export type SocketKind = { kind: 'python'; line: string } | { kind: 'control' };

const MAX_LINE = 4 * 1024 * 1024;

export async function detectSocketKind(path: string, quietMs = 300, timeoutMs = 2000): Promise<SocketKind> {
  const socket = await openSocket(path, timeoutMs);
  return new Promise((resolve) => {
    let buffered = '';
    const finish = (result: SocketKind): void => {
      clearTimeout(quiet);
      socket.removeAllListeners('data');
      socket.destroy();
      resolve(result);
    };
    // No data before the quiet period: the peer waits for us, like a JSON-RPC server.
    const quiet = setTimeout(() => finish(buffered ? { kind: 'python', line: buffered } : { kind: 'control' }), quietMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline >= 0) finish({ kind: 'python', line: buffered.slice(0, newline) });
      else if (buffered.length > MAX_LINE) finish({ kind: 'python', line: buffered.slice(0, MAX_LINE) });
    });
    socket.on('end', () => finish(buffered ? { kind: 'python', line: buffered } : { kind: 'control' }));
    socket.on('error', () => finish({ kind: 'control' }));
  });
}

/** Reads one fresh payload from a Python top.sock (it answers every connection with one line). */
export async function readPythonTop(path: string, timeoutMs = 2000): Promise<string> {
  const result = await detectSocketKind(path, timeoutMs, timeoutMs);
  if (result.kind !== 'python') throw new Error(`${path} sent nothing within ${timeoutMs}ms; it is not a Python OpenRTC top.sock.`);
  return result.line;
}
