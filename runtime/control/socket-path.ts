// Where a runtime's control socket lives and how it is made safe:
// `$XDG_RUNTIME_DIR/openrtc-<uid>/ws-<hash>.sock` (or the temp dir), in a 0700 directory owned
// by us and not a symlink, socket 0600. The name is per workspace so two runtimes never share
// one path; a leftover socket is removed only when nobody answers on it.
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, realpathSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

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

export function defaultSocketDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_RUNTIME_DIR && env.XDG_RUNTIME_DIR.length > 0 ? env.XDG_RUNTIME_DIR : tmpdir();
  return join(base, `openrtc-${uid()}`);
}

/** A short stable name for a workspace, so each workspace gets its own socket. */
export function socketNameForWorkspace(workspaceDir: string): string {
  let real: string;
  try {
    real = realpathSync(workspaceDir);
  } catch {
    real = resolve(workspaceDir);
  }
  return `ws-${createHash('sha256').update(real).digest('hex').slice(0, 12)}.sock`;
}

export function defaultSocketPath(workspaceDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(defaultSocketDir(env), socketNameForWorkspace(workspaceDir));
}

/**
 * Makes sure `dir` is a real directory, not a symlink, owned by us, mode 0700 (created if missing).
 * `private: false` skips the owner and mode checks, for a directory the user named explicitly (--socket).
 */
export function ensureSocketDir(dir: string, options: { private: boolean } = { private: true }): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new SocketPathError(`cannot create socket directory ${dir}: ${(error as Error).message}`);
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
