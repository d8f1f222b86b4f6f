// How a runtime's control socket is made safe (where it lives is protocol/socket-path.ts, shared
// with the extension): a 0700 directory owned by us and not a symlink, socket 0600; a leftover
// socket is removed only when nobody answers on it.
import { chmodSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { messageOf } from '../../protocol/errors';

/** sockaddr_un.sun_path is 108 bytes on Linux, including the terminating NUL. */
const MAX_SOCKET_PATH_BYTES = 107;

export class SocketPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SocketPathError';
  }
}

function uid(): number {
  return process.getuid?.() ?? 0;
}

/**
 * Makes sure `dir` is a real directory, not a symlink, owned by us, mode 0700 (created if missing).
 * `private: false` skips the owner and mode checks, for a directory the user named explicitly (--socket).
 */
export function ensureSocketDir(dir: string, options: { private: boolean } = { private: true }): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new SocketPathError(`cannot create socket directory ${dir}: ${messageOf(error)}`);
  }
  const stat = lstatSync(dir);
  if (stat.isSymbolicLink()) throw new SocketPathError(`refusing socket directory ${dir}: it is a symbolic link`);
  if (!stat.isDirectory()) throw new SocketPathError(`refusing socket directory ${dir}: it is not a directory`);
  if (!options.private) return;
  if (stat.uid !== uid())
    throw new SocketPathError(`refusing socket directory ${dir}: owned by uid ${stat.uid}, not ${uid()}`);
  if ((stat.mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
  // Re-check after the chmod: the directory must really be private before we listen in it.
  const again = lstatSync(dir);
  if (again.isSymbolicLink() || (again.mode & 0o777) !== 0o700 || again.uid !== uid()) {
    throw new SocketPathError(`refusing socket directory ${dir}: it changed while being secured`);
  }
}

/** Resolves to true when something accepts connections at `path`. */
export function somebodyListens(path: string, timeoutMs = 500): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(path);
    const finish = (answer: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      done(answer);
    };
    const timer = setTimeout(() => finish(true), timeoutMs); // a hung listener is still a listener
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/**
 * Prepares `socketPath` for listen: secures its directory, refuses a path that is too long,
 * not a socket, or in use; unlinks a stale socket nobody answers on.
 */
export async function prepareSocketPath(
  socketPath: string,
  options: { private: boolean } = { private: true },
): Promise<void> {
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH_BYTES) {
    throw new SocketPathError(
      `socket path is ${Buffer.byteLength(socketPath)} bytes, over the ${MAX_SOCKET_PATH_BYTES}-byte limit: ${socketPath}`,
    );
  }
  ensureSocketDir(dirname(socketPath), options);
  let existing;
  try {
    existing = lstatSync(socketPath);
  } catch {
    return;
  }
  if (!existing.isSocket())
    throw new SocketPathError(`refusing to replace ${socketPath}: it exists and is not a socket`);
  if (await somebodyListens(socketPath)) {
    throw new SocketPathError(`another runtime is already listening on ${socketPath}`);
  }
  unlinkSync(socketPath);
}

/** After listen: the socket file must be ours alone. */
export function secureSocketFile(socketPath: string): void {
  chmodSync(socketPath, 0o600);
}

/** Removes the socket file on close, unless another runtime has since put its own there. */
export function removeSocketFile(socketPath: string, inode: number): void {
  try {
    if (lstatSync(socketPath).ino === inode) unlinkSync(socketPath);
  } catch {
    // already gone
  }
}
