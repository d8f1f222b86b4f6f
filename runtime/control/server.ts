// The control server: JSON-RPC 2.0 (vscode-jsonrpc) over a Unix socket, serving every method
// declared in protocol/methods.ts against a ControlApi. Params are validated before the API is called, so a bad
// request gets an error and changes nothing. A garbled or oversized frame closes only the
// connection that sent it.
import { createServer, type Server, type Socket } from 'node:net';
import { lstatSync } from 'node:fs';
import {
  ErrorCodes as RpcErrorCodes,
  ResponseError,
  SocketMessageWriter,
  createMessageConnection,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { ControlError, type ControlApi, type RuntimeEventType } from '../../protocol/control';
import {
  EventNotification,
  EventsDroppedNotification,
  isMethodName,
  Methods,
  type MethodName,
  type ParamsOf,
  type ResultOf,
} from '../../protocol/methods';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../protocol/framing';
import { BoundedSocketReader, DEFAULT_PARTIAL_FRAME_TIMEOUT_MS } from './bounded-reader';
import { EventStream, type EventSink } from './event-stream';
import { validateParams } from './params';
import { prepareSocketPath, removeSocketFile, secureSocketFile } from './socket-path';

export interface ControlServerOptions {
  api: ControlApi;
  socketPath: string;
  /** Enforce a private (0700, ours, not a symlink) directory; off only for an explicit --socket elsewhere. */
  privateDir?: boolean;
  maxMessageBytes?: number;
  /** Unsent event bytes on one subscriber's socket beyond which its events are dropped (counted). */
  maxEventBacklogBytes?: number;
  /** A message started but not completed within this time closes its connection. */
  partialFrameTimeoutMs?: number;
  /** Clients served at once; each may hold one partial frame (up to maxMessageBytes). Default 64. */
  maxConnections?: number;
  /** Told why a connection was closed by the server (garbled/oversized input), for the runtime's log. */
  onConnectionDropped?: (reason: string) => void;
}

export interface ControlServer {
  readonly socketPath: string;
  connectionCount(): number;
  close(): Promise<void>;
}

type ConnectionOptions = Required<Omit<ControlServerOptions, 'privateDir' | 'maxConnections'>>;

/** The event stream's two methods act on the connection, not the API; every other one is a handler. */
type StreamMethod = typeof Methods.subscribe | typeof Methods.unsubscribe;
type ApiMethod = Exclude<MethodName, StreamMethod>;
/** A method answered with nothing may return void; the wire carries null. */
type HandlerResult<M extends MethodName> = ResultOf<M> extends null ? void | null : ResultOf<M>;
type Handlers = {
  [M in ApiMethod]: (api: ControlApi, params: ParamsOf<M>) => HandlerResult<M> | Promise<HandlerResult<M>>;
};

// Typed from the declarations: a declared method without a handler, or a handler whose API call
// disagrees with the declared params or result, does not compile.
const handlers: Handlers = {
  hello: (api, p) => api.hello(p),
  snapshot: (api) => api.snapshot(),
  sessions: (api) => api.sessions(),
  startCalls: (api, p) => api.startCalls(p),
  cancelSession: (api, p) => api.cancelSession(p),
  setTenantCap: (api, p) => api.setTenantCap(p),
  setBreaker: (api, p) => api.setBreaker(p),
  setSlowThreshold: (api, p) => api.setSlowThreshold(p),
  isolateTenant: (api, p) => api.isolateTenant(p),
  restoreTenant: (api, p) => api.restoreTenant(p),
  drain: (api, p) => api.drain(p),
  reloadConfig: (api) => api.reloadConfig(),
  logs: (api, p) => api.logs(p),
};

/**
 * Calls `method`'s handler with params validateParams has checked against paramSpecs[method], which
 * the compiler holds to the declared params type: that is what makes the one cast here safe.
 */
function dispatch<M extends ApiMethod>(method: M, api: ControlApi, params: Record<string, unknown>): unknown {
  const handler = handlers[method] as (api: ControlApi, params: unknown) => unknown;
  return handler(api, params);
}

function toResponseError(method: string, error: unknown): ResponseError<void> {
  if (error instanceof ControlError) return new ResponseError(error.code, error.message);
  // instanceof narrows to ResponseError<any>; our handlers only throw data-less ones.
  if (error instanceof ResponseError) return error as ResponseError<void>;
  return new ResponseError(
    RpcErrorCodes.InternalError,
    `${method} failed: ${error instanceof Error ? error.message : String(error)}`,
  );
}

export const DEFAULT_EVENT_BACKLOG_BYTES = 1024 * 1024;
/** vscode-jsonrpc queues writes behind a promise chain before they reach the socket; bound that too. */
const MAX_QUEUED_NOTIFICATIONS = 256;

function eventSink(socket: Socket, connection: MessageConnection, maxBacklogBytes: number): EventSink {
  let queued = 0;
  const send = (method: string, params: unknown): void => {
    queued += 1;
    connection
      .sendNotification(method, params)
      .catch(() => {}) // the connection is closing; its close handler cleans up
      .finally(() => (queued -= 1));
  };
  return {
    isBackedUp: () => queued >= MAX_QUEUED_NOTIFICATIONS || socket.writableLength > maxBacklogBytes,
    sendEvent: (event) => send(EventNotification.method, event),
    sendDropped: (dropped) => send(EventsDroppedNotification.method, { dropped }),
  };
}

/** Serves one accepted socket until it closes. */
function serveConnection(socket: Socket, options: ConnectionOptions): void {
  const reader = new BoundedSocketReader(socket, options.maxMessageBytes, options.partialFrameTimeoutMs);
  const connection: MessageConnection = createMessageConnection(reader, new SocketMessageWriter(socket));
  let unsubscribe: (() => void) | null = null;
  const stopEvents = (): void => {
    unsubscribe?.();
    unsubscribe = null;
  };

  reader.onError((error) => {
    options.onConnectionDropped(error.message);
    socket.destroy();
  });
  socket.on('error', () => socket.destroy());
  socket.on('close', () => {
    stopEvents();
    connection.dispose();
  });

  connection.onRequest(async (method: string, rawParams: unknown) => {
    // hasOwn inside: a method named "toString" must not reach Object.prototype.
    if (!isMethodName(method)) return new ResponseError(RpcErrorCodes.MethodNotFound, `unknown method '${method}'`);
    try {
      const params = validateParams(method, rawParams);
      if (method === Methods.subscribe) {
        stopEvents();
        const types = params.types ? new Set(params.types as RuntimeEventType[]) : null;
        const stream = new EventStream(eventSink(socket, connection, options.maxEventBacklogBytes), types);
        unsubscribe = options.api.onEvent((event) => stream.deliver(event));
        return null;
      }
      if (method === Methods.unsubscribe) {
        stopEvents();
        return null;
      }
      return (await dispatch(method, options.api, params)) ?? null;
    } catch (error) {
      return toResponseError(method, error);
    }
  });
  connection.listen();
}

export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const { socketPath } = options;
  await prepareSocketPath(socketPath, { private: options.privateDir ?? true });
  const resolved = {
    api: options.api,
    socketPath,
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    maxEventBacklogBytes: options.maxEventBacklogBytes ?? DEFAULT_EVENT_BACKLOG_BYTES,
    partialFrameTimeoutMs: options.partialFrameTimeoutMs ?? DEFAULT_PARTIAL_FRAME_TIMEOUT_MS,
    onConnectionDropped: options.onConnectionDropped ?? (() => {}),
  };
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveConnection(socket, resolved);
  });
  // Bounds total buffered input: connections beyond this are closed on accept by node.
  server.maxConnections = options.maxConnections ?? 64;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  secureSocketFile(socketPath);
  const inode = lstatSync(socketPath).ino;

  return {
    socketPath,
    connectionCount: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
        removeSocketFile(socketPath, inode);
      }),
  };
}
