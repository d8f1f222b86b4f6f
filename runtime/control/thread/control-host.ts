// The main thread's side of the control thread: starts it, publishes the runtime's state to it,
// relays events while someone subscribes, and serves the requests it forwards (those the loop
// takes before the caller's bound). Returns the same ControlServer handle as the in-loop server.
import { Worker } from 'node:worker_threads';
import { PROTOCOL_VERSION, type ControlApi } from '../../../protocol/control';
import type { LiveBlockFeed } from '../../attribution/loop-attribution';
import { workerSource, type WorkerSource } from '../../util/worker-source';
import { apiDispatch, toResponseError, type ControlDispatch, type ControlServer } from '../server';
import { SocketPathError } from '../socket-path';
import { LoopClaim } from './loop-claim';
import type { ControlThreadInit, FromControlThread, ToControlThread } from './messages';

export interface ControlThreadOptions {
  api: ControlApi;
  socketPath: string;
  privateDir?: boolean;
  /** The watchdog's heartbeat and live feed (LoopAttribution.takeLiveFeed()); without it no block is named. */
  liveFeed?: LiveBlockFeed | null;
  /** How often the snapshot answered during a block is refreshed, ms; default 1000. */
  publishMs?: number;
  maxMessageBytes?: number;
  maxEventBacklogBytes?: number;
  partialFrameTimeoutMs?: number;
  maxConnections?: number;
  onConnectionDropped?: (reason: string) => void;
  worker?: WorkerSource;
}

export function controlThreadSource(dir: string = __dirname): WorkerSource {
  return workerSource(dir, 'control-thread.js', 'control-thread.ts', 'control thread');
}

const CLOSE_WAIT_MS = 2000;

class ControlHost {
  private readonly dispatch: ControlDispatch;
  private stopEvents: (() => void) | null = null;
  private publisher: NodeJS.Timeout | null = null;
  private connections = 0;
  private closed: (() => void) | null = null;

  constructor(
    private readonly worker: Worker,
    private readonly opts: ControlThreadOptions,
  ) {
    this.dispatch = apiDispatch(opts.api);
  }

  get connectionCount(): number {
    return this.connections;
  }

  startPublishing(): void {
    this.publisher = setInterval(() => this.publish(), this.opts.publishMs ?? 1000).unref();
  }

  onMessage(msg: FromControlThread): void {
    switch (msg.type) {
      case 'request':
        // The control thread gave up on it (the caller's bound passed while the loop was blocked).
        if (!new LoopClaim(msg.claim).take()) return;
        void this.serve(msg.id, () => this.dispatch.call(msg.method, msg.params, 0), msg.method);
        return;
      case 'events':
        this.stopEvents?.();
        this.stopEvents = msg.wanted ? this.opts.api.onEvent((event) => this.post({ type: 'event', event })) : null;
        return;
      case 'connections':
        this.connections = msg.count;
        return;
      case 'dropped':
        this.opts.onConnectionDropped?.(msg.reason);
        return;
      case 'closed':
        this.closed?.();
        return;
      case 'listening':
      case 'listen-failed':
        return;
    }
  }

  async close(): Promise<void> {
    if (this.publisher) clearInterval(this.publisher);
    this.stopEvents?.();
    this.stopEvents = null;
    const closed = new Promise<void>((resolve) => {
      this.closed = resolve;
      setTimeout(resolve, CLOSE_WAIT_MS).unref();
    });
    this.post({ type: 'close' });
    await closed;
    await this.worker.terminate();
  }

  private async serve(id: number, run: () => unknown, method: string): Promise<void> {
    try {
      const result = (await run()) ?? null;
      // What the request changed is in the snapshot a blocked loop's readers get next.
      this.publish();
      this.post({ type: 'response', id, result });
    } catch (error) {
      const wire = toResponseError(method, error);
      this.post({ type: 'response', id, error: { code: wire.code, message: wire.message } });
    }
  }

  private publish(): void {
    this.post({ type: 'published', snapshot: this.opts.api.snapshot() });
  }

  private post(msg: ToControlThread): void {
    this.worker.postMessage(msg);
  }
}

/** Starts the control thread serving `api` on `socketPath`; rejects (SocketPathError for a bad path) if it cannot listen. */
export async function startControlThread(opts: ControlThreadOptions): Promise<ControlServer> {
  const src = opts.worker ?? controlThreadSource();
  const feed = opts.liveFeed ?? null;
  const init: ControlThreadInit = {
    socketPath: opts.socketPath,
    privateDir: opts.privateDir ?? true,
    maxMessageBytes: opts.maxMessageBytes,
    maxEventBacklogBytes: opts.maxEventBacklogBytes,
    partialFrameTimeoutMs: opts.partialFrameTimeoutMs,
    maxConnections: opts.maxConnections,
    hello: opts.api.hello({ client: 'control-thread', protocol_version: PROTOCOL_VERSION }),
    snapshot: opts.api.snapshot(),
    heartbeat: feed?.heartbeat,
    live: feed?.port,
  };
  const worker = new Worker(src.code, {
    eval: src.eval,
    workerData: init,
    transferList: feed ? [feed.port] : [],
  });
  const host = new ControlHost(worker, opts);
  await new Promise<void>((resolve, reject) => {
    worker.on('message', (msg: FromControlThread) => {
      host.onMessage(msg);
      if (msg.type === 'listening') resolve();
      else if (msg.type === 'listen-failed')
        reject(msg.socketPathError ? new SocketPathError(msg.message) : new Error(msg.message));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the control thread exited (${code}) before listening`)));
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  // Not unref'd: like a listening server on the main loop, the serving thread keeps the process up until close().
  host.startPublishing();
  return {
    socketPath: opts.socketPath,
    connectionCount: () => host.connectionCount,
    close: () => host.close(),
  };
}
