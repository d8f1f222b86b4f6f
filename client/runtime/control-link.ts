// One JSON-RPC connection to a runtime's control socket (vscode-jsonrpc framing over a Unix
// socket). Connection errors are turned into sentences a user can act on.
import { connect, type Socket } from 'node:net';
import { createMessageConnection, SocketMessageReader, SocketMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import {
  EventNotification,
  Methods,
  PROTOCOL_VERSION,
  type HelloResult,
  type MethodName,
  type RuntimeEvent,
} from '../../protocol/control';

export class ControlLinkError extends Error {
  constructor(
    message: string,
    /** 'absent': no socket file; 'refused': file but nobody listening; 'protocol': answered wrongly. */
    readonly reason: 'absent' | 'refused' | 'timeout' | 'protocol' | 'other',
  ) {
    super(message);
    this.name = 'ControlLinkError';
  }
}

export function describeSocketError(path: string, err: NodeJS.ErrnoException): ControlLinkError {
  switch (err.code) {
    case 'ENOENT':
      return new ControlLinkError(`No OpenRTC runtime is running at ${path} (the socket does not exist). Start one with "OpenRTC: Start Runtime".`, 'absent');
    case 'ECONNREFUSED':
      return new ControlLinkError(`The socket ${path} refused the connection: the runtime that made it has stopped. Start or restart the runtime.`, 'refused');
    case 'EACCES':
      return new ControlLinkError(`Permission denied on ${path}: control sockets are private to the user who started the runtime.`, 'other');
    case 'ENOTSOCK':
      return new ControlLinkError(`${path} is not a socket.`, 'other');
    default:
      return new ControlLinkError(`Cannot connect to ${path}: ${err.message}`, 'other');
  }
}

/** Opens a Unix socket, failing with a ControlLinkError after `timeoutMs`. */
export function openSocket(path: string, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ControlLinkError(`Timed out after ${timeoutMs}ms connecting to ${path}.`, 'timeout'));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(describeSocketError(path, err));
    });
  });
}

export class ControlLink {
  private closed = false;
  private readonly closeListeners: Array<(why: string) => void> = [];

  private constructor(
    readonly path: string,
    private readonly socket: Socket,
    private readonly rpc: MessageConnection,
    readonly hello: HelloResult,
  ) {
    rpc.onClose(() => this.markClosed('the runtime closed the connection'));
    socket.on('error', (err) => this.markClosed(err.message));
  }

  /** Connects and says hello; a peer that does not answer hello as a runtime is refused. */
  static async connect(path: string, timeoutMs = 3000): Promise<ControlLink> {
    const socket = await openSocket(path, timeoutMs);
    const rpc = createMessageConnection(new SocketMessageReader(socket), new SocketMessageWriter(socket));
    rpc.listen();
    let hello: HelloResult;
    try {
      hello = await withTimeout(
        rpc.sendRequest<HelloResult>(Methods.hello, { client: 'openrtc-vscode', protocol_version: PROTOCOL_VERSION }),
        timeoutMs,
        `${path} accepted the connection but did not answer "hello" within ${timeoutMs}ms; is it an OpenRTC control socket?`,
      );
    } catch (err) {
      rpc.dispose();
      socket.destroy();
      throw err instanceof ControlLinkError ? err : new ControlLinkError(`${path} did not answer "hello": ${(err as Error).message}`, 'protocol');
    }
    if (typeof hello?.protocol_version !== 'number' || !Array.isArray(hello.capabilities)) {
      rpc.dispose();
      socket.destroy();
      throw new ControlLinkError(`${path} answered "hello" with something that is not an OpenRTC runtime greeting.`, 'protocol');
    }
    if (hello.protocol_version !== PROTOCOL_VERSION) {
      rpc.dispose();
      socket.destroy();
      throw new ControlLinkError(
        `The runtime at ${path} speaks control protocol ${hello.protocol_version}; this extension speaks ${PROTOCOL_VERSION}.`,
        'protocol',
      );
    }
    return new ControlLink(path, socket, rpc, hello);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  supports(method: MethodName): boolean {
    return this.hello.capabilities.includes(method);
  }

  request<R>(method: MethodName, params?: object): Promise<R> {
    if (this.closed) return Promise.reject(new ControlLinkError(`The connection to ${this.path} is closed.`, 'other'));
    return params === undefined ? this.rpc.sendRequest<R>(method) : this.rpc.sendRequest<R>(method, params);
  }

  onEvent(listener: (event: RuntimeEvent) => void): void {
    this.rpc.onNotification(EventNotification, (event: RuntimeEvent) => listener(event));
  }

  onClose(listener: (why: string) => void): void {
    this.closeListeners.push(listener);
  }

  dispose(): void {
    this.markClosed('closed by the extension');
    this.rpc.dispose();
    this.socket.destroy();
  }

  private markClosed(why: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const listener of this.closeListeners) listener(why);
  }
}

function withTimeout<T>(promise: PromiseLike<T>, ms: number, message: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new ControlLinkError(message, 'timeout')), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
