// The control thread (a worker): serves the control socket off the main loop, so an agent that
// blocks the loop cannot blind the operator. It runs no agent code; see forwarder.ts for what it
// answers itself and what it passes on.
import { parentPort, workerData } from 'node:worker_threads';
import type { LiveStallMessage } from '../../attribution/messages';
import { startControlServer, type ControlServer } from '../server';
import { SocketPathError } from '../socket-path';
import { Forwarder } from './forwarder';
import { LiveBlockView } from './live-block';
import type { ControlThreadInit, FromControlThread, ToControlThread } from './messages';

const port = parentPort;
if (!port) throw new Error('control-thread: must run as a worker thread');
const init = workerData as ControlThreadInit;
const send = (msg: FromControlThread): void => port.postMessage(msg);

const live = new LiveBlockView(init.heartbeat ?? null, () => performance.timeOrigin + performance.now());
init.live?.on('message', (msg: LiveStallMessage) => live.onLive(msg));
const forwarder = new Forwarder({
  send,
  live,
  hello: init.hello,
  snapshot: init.snapshot,
  setTimer: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(timer) };
  },
});

let server: ControlServer | null = null;
let lastCount = 0;
/** The main thread's connectionCount() reads this; told on change, checked a few times a second. */
const countTimer = setInterval(() => {
  const count = server?.connectionCount() ?? 0;
  if (count !== lastCount) send({ type: 'connections', count: (lastCount = count) });
}, 200);

port.on('message', (msg: ToControlThread) => {
  if (msg.type !== 'close') return forwarder.onMain(msg);
  clearInterval(countTimer);
  forwarder.failPending('the runtime is stopping');
  init.live?.close();
  void (server?.close() ?? Promise.resolve()).then(() => send({ type: 'closed' }));
});

startControlServer({
  dispatch: forwarder,
  socketPath: init.socketPath,
  privateDir: init.privateDir,
  maxMessageBytes: init.maxMessageBytes,
  maxEventBacklogBytes: init.maxEventBacklogBytes,
  partialFrameTimeoutMs: init.partialFrameTimeoutMs,
  maxConnections: init.maxConnections,
  onConnectionDropped: (reason) => send({ type: 'dropped', reason }),
}).then(
  (started) => {
    server = started;
    send({ type: 'listening' });
  },
  (error: unknown) =>
    send({
      type: 'listen-failed',
      message: error instanceof Error ? error.message : String(error),
      socketPathError: error instanceof SocketPathError,
    }),
);
