// Connecting to a control socket, shared by the CLI and the VS Code extension (node `net` and
// vscode-jsonrpc only). The socket may be our runtime (Content-Length framed JSON-RPC that
// answers `hello`) or a Python OpenRTC worker's top.sock (one JSON line, then close, without
// reading). We send `hello` at once and look at the first byte that comes back: `{` is Python.
// A Python worker may already have closed when our hello arrives (EPIPE); we then reconnect
// once and only listen.
import { connect as netConnect, type Socket } from 'node:net';
import { statSync } from 'node:fs';
import {
  ParameterStructures,
  ResponseError,
  SocketMessageReader,
  SocketMessageWriter,
  createMessageConnection,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import {
  ControlError,
  PROTOCOL_VERSION,
  type HelloParams,
  type HelloResult,
  type RuntimeEvent,
  type SubscribeParams,
} from './control';
import { FrameDecoder, encodeFrame } from './framing';
import {
  EventNotification,
  EventsDroppedNotification,
  Methods,
  type MethodName,
  type ParamsOf,
  type ResultOf,
} from './methods';
import { parsePythonTopPayload, type PythonTopSnapshot } from './python-top';
import { messageOf } from './errors';

export type ConnectErrorKind = 'no_socket' | 'not_socket' | 'refused' | 'timeout' | 'garbled' | 'protocol_version';

export class ConnectError extends Error {
  constructor(
    readonly kind: ConnectErrorKind,
    readonly socketPath: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConnectError';
  }
}

/** Params and result of each method, read off its declaration (methods.ts), so `request` is typed end to end. */
export type MethodSignatures = { [M in MethodName]: [ParamsOf<M>, ResultOf<M>] };
export type ClientMethod = keyof MethodSignatures;

/** The runtime went away while a request was pending (it died, or was stopped). */
export class ConnectionClosedError extends Error {
  constructor(socketPath: string) {
    super(`the runtime at ${socketPath} closed the connection before answering`);
    this.name = 'ConnectionClosedError';
  }
}

/** A live JSON-RPC connection to one of our runtimes. Server errors reject as ControlError. */
export class ControlClient {
  private closed = false;
  /** Settles (rejects) when the connection closes: vscode-jsonrpc leaves pending requests hanging. */
  private readonly closedPromise: Promise<never>;

  constructor(
    readonly socketPath: string,
    readonly hello: HelloResult,
    private readonly socket: Socket,
    private readonly connection: MessageConnection,
  ) {
    this.closedPromise = new Promise<never>((_, reject) => {
      const onClosed = (): void => {
        this.closed = true;
        reject(new ConnectionClosedError(socketPath));
      };
      connection.onClose(onClosed);
      socket.once('close', onClosed);
    });
    this.closedPromise.catch(() => {}); // only a failure for requests that race it
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async request<M extends ClientMethod>(
    method: M,
    ...params: MethodSignatures[M][0] extends undefined ? [] : [MethodSignatures[M][0]]
  ): Promise<MethodSignatures[M][1]> {
    if (this.closed) throw new ConnectionClosedError(this.socketPath);
    try {
      const pending: Promise<MethodSignatures[M][1]> =
        params.length === 0
          ? this.connection.sendRequest(method)
          : this.connection.sendRequest(method, ParameterStructures.byName, params[0]);
      return await Promise.race([pending, this.closedPromise]);
    } catch (error) {
      if (error instanceof ResponseError) throw new ControlError(error.code, error.message);
      throw error;
    }
  }

  /** Starts the event stream; `onDropped` hears how many events a slow reader lost. */
  async subscribe(
    params: SubscribeParams,
    onEvent: (event: RuntimeEvent) => void,
    onDropped: (dropped: number) => void = () => {},
  ): Promise<void> {
    this.connection.onNotification(EventNotification, (event: RuntimeEvent) => onEvent(event));
    this.connection.onNotification(EventsDroppedNotification, (p) => onDropped(p.dropped));
    await this.request(Methods.subscribe, params);
  }

  onClose(listener: () => void): void {
    this.connection.onClose(listener);
  }

  close(): void {
    this.closed = true;
    this.connection.dispose();
    this.socket.destroy();
  }
}

export type ControlConnection =
  { kind: 'openrtc'; client: ControlClient } | { kind: 'python-top'; top: PythonTopSnapshot };

export interface ConnectOptions {
  timeoutMs?: number;
  /** Sent in `hello`, for the runtime's log. */
  clientName?: string;
}

const MAX_PYTHON_LINE_BYTES = 16 * 1024 * 1024;
const HELLO_ID = 'hello';

function checkSocketFile(socketPath: string): void {
  let isSocket: boolean;
  let owner: number;
  try {
    const stat = statSync(socketPath);
    isSocket = stat.isSocket();
    owner = stat.uid;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new ConnectError('no_socket', socketPath, `no runtime at ${socketPath}: the socket does not exist`);
    throw new ConnectError('no_socket', socketPath, `cannot use ${socketPath}: ${messageOf(error)}`);
  }
  if (!isSocket) throw new ConnectError('not_socket', socketPath, `${socketPath} exists but is not a socket`);
  // Another user's socket could be a planted impostor that would receive our requests.
  const me = process.getuid?.();
  if (me !== undefined && owner !== me) {
    throw new ConnectError(
      'refused',
      socketPath,
      `refusing ${socketPath}: the socket is owned by uid ${owner}, not by us (uid ${me})`,
    );
  }
}

function openSocket(socketPath: string, deadline: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(socketPath);
    const timer = setTimeout(
      () => {
        socket.destroy();
        reject(new ConnectError('timeout', socketPath, `no runtime at ${socketPath}: connect timed out`));
      },
      Math.max(1, deadline - Date.now()),
    );
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const kind = error.code === 'ECONNREFUSED' ? 'refused' : error.code === 'ENOENT' ? 'no_socket' : 'refused';
      reject(
        new ConnectError(
          kind,
          socketPath,
          `no runtime at ${socketPath}: ${error.code === 'ECONNREFUSED' ? 'connection refused (stale socket?)' : error.message}`,
        ),
      );
    });
  });
}

type ProbeResult =
  | { kind: 'openrtc'; hello: HelloResult; rest: Buffer }
  | { kind: 'python-top'; line: string }
  | { kind: 'write_failed' };

/** Reads until it knows which protocol the peer speaks. `hello` null = listen only. */
function probe(socket: Socket, socketPath: string, hello: HelloParams | null, deadline: number): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    let mode: 'unknown' | 'python' | 'framed' = 'unknown';
    const chunks: Buffer[] = [];
    let size = 0;
    const decoder = new FrameDecoder();
    const garbled = (why: string): ConnectError =>
      new ConnectError(
        'garbled',
        socketPath,
        `${socketPath} answered with something that is not an OpenRTC control protocol: ${why}`,
      );
    const finish = (result: ProbeResult | Error): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
      // A late EPIPE from our hello must not surface as an uncaught error.
      socket.on('error', () => {});
      if (result instanceof Error) {
        socket.destroy();
        reject(result);
      } else resolve(result);
    };
    const pythonLine = (): string => Buffer.concat(chunks).toString('utf8').split('\n')[0] ?? '';
    const onData = (chunk: Buffer): void => {
      if (mode === 'unknown') {
        const first = chunk.toString('utf8').trimStart()[0];
        if (first === undefined) return;
        mode = first === '{' || first === '[' ? 'python' : 'framed';
      }
      if (mode === 'python') {
        chunks.push(chunk);
        size += chunk.length;
        if (chunk.includes(0x0a)) finish({ kind: 'python-top', line: pythonLine() });
        else if (size > MAX_PYTHON_LINE_BYTES) finish(garbled(`a line over ${MAX_PYTHON_LINE_BYTES} bytes`));
        return;
      }
      try {
        const [body] = decoder.push(chunk);
        if (body) finish(helloFrom(body, socketPath, chunk.subarray(chunk.length - decoder.bufferedBytes)));
      } catch (error) {
        finish(error instanceof ConnectError ? error : garbled(messageOf(error)));
      }
    };
    const onEnd = (): void => {
      if (mode === 'python' && size > 0) finish({ kind: 'python-top', line: pythonLine() });
      else finish(garbled('it closed the connection without answering'));
    };
    const onError = (error: NodeJS.ErrnoException): void => {
      if (mode === 'unknown' && (error.code === 'EPIPE' || error.code === 'ECONNRESET'))
        finish({ kind: 'write_failed' });
      else finish(new ConnectError('refused', socketPath, `connection to ${socketPath} failed: ${error.message}`));
    };
    const timer = setTimeout(
      () => finish(new ConnectError('timeout', socketPath, `${socketPath} did not answer within the timeout`)),
      Math.max(1, deadline - Date.now()),
    );
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', onError);
    if (hello) socket.write(encodeFrame({ jsonrpc: '2.0', id: HELLO_ID, method: Methods.hello, params: hello }));
  });
}

function helloFrom(body: Buffer, socketPath: string, rest: Buffer): ProbeResult | ConnectError {
  let message: { id?: unknown; result?: HelloResult; error?: { message?: unknown } };
  try {
    message = JSON.parse(body.toString('utf8')) as typeof message; // checked field by field below
  } catch {
    return new ConnectError('garbled', socketPath, `${socketPath} answered hello with a body that is not JSON`);
  }
  if (message.id !== HELLO_ID)
    return new ConnectError('garbled', socketPath, `${socketPath} answered something other than hello`);
  if (message.error) {
    return new ConnectError(
      'protocol_version',
      socketPath,
      `runtime at ${socketPath} refused hello: ${String(message.error.message)}`,
    );
  }
  const hello = message.result;
  if (typeof hello?.protocol_version !== 'number')
    return new ConnectError('garbled', socketPath, `${socketPath} answered hello without a protocol_version`);
  if (hello.protocol_version !== PROTOCOL_VERSION) {
    return new ConnectError(
      'protocol_version',
      socketPath,
      `runtime at ${socketPath} speaks control protocol v${hello.protocol_version}; this client speaks v${PROTOCOL_VERSION} (update the older side)`,
    );
  }
  return { kind: 'openrtc', hello, rest };
}

function attach(socket: Socket, socketPath: string, hello: HelloResult, rest: Buffer): ControlClient {
  socket.pause();
  if (rest.length > 0) socket.unshift(rest);
  const connection = createMessageConnection(new SocketMessageReader(socket), new SocketMessageWriter(socket));
  const client = new ControlClient(socketPath, hello, socket, connection);
  // Without a listener a socket error would be thrown as uncaught; the connection's onClose reports it.
  socket.on('error', () => socket.destroy());
  connection.listen();
  socket.resume();
  return client;
}

function pythonResult(line: string, socketPath: string, socket: Socket): ControlConnection {
  socket.destroy();
  try {
    return { kind: 'python-top', top: parsePythonTopPayload(line) };
  } catch (error) {
    throw new ConnectError('garbled', socketPath, `${socketPath}: ${messageOf(error)}`);
  }
}

/** Connects to a control socket and tells which kind of worker is behind it. Throws ConnectError. */
export async function connectControl(socketPath: string, options: ConnectOptions = {}): Promise<ControlConnection> {
  const deadline = Date.now() + (options.timeoutMs ?? 2000);
  checkSocketFile(socketPath);
  const hello: HelloParams = { client: options.clientName ?? 'openrtc-client', protocol_version: PROTOCOL_VERSION };
  const socket = await openSocket(socketPath, deadline);
  let result = await probe(socket, socketPath, hello, deadline);
  let live = socket;
  if (result.kind === 'write_failed') {
    socket.destroy();
    live = await openSocket(socketPath, deadline);
    result = await probe(live, socketPath, null, deadline);
  }
  switch (result.kind) {
    case 'openrtc':
      return { kind: 'openrtc', client: attach(live, socketPath, result.hello, result.rest) };
    case 'python-top':
      return pythonResult(result.line, socketPath, live);
    case 'write_failed':
      live.destroy();
      throw new ConnectError('garbled', socketPath, `${socketPath} closed the connection before answering, twice`);
  }
}
