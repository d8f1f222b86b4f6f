// Keeps one worker's view fresh: connect (our runtime or a Python top.sock, told apart by
// protocol/connect.ts), subscribe, refresh the snapshot periodically (durations and CPU move
// without events), and reconnect with backoff after the runtime dies or restarts.
import { connectControl, type ControlClient } from '../../protocol/connect';
import type { RuntimeEvent, RuntimeSnapshot } from '../../protocol/control';
import { explainConnectError } from './connect-errors';
import { messageOf } from '../../protocol/errors';

export interface WorkerSink {
  connected(workerId: string, kind: 'control' | 'python', label: string | null): void;
  snapshot(workerId: string, snapshot: RuntimeSnapshot): void;
  event(workerId: string, event: RuntimeEvent): void;
  disconnected(workerId: string, why: string): void;
}

export interface WorkerConnectionOptions {
  snapshotEveryMs: number;
  pythonPollMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
}

const defaults: WorkerConnectionOptions = {
  snapshotEveryMs: 2000,
  pythonPollMs: 1000,
  reconnectMinMs: 250,
  reconnectMaxMs: 5000,
};

export class WorkerConnection {
  private client: ControlClient | null = null;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private backoffMs: number;
  private readonly options: WorkerConnectionOptions;
  private waiters: Array<(client: ControlClient | null) => void> = [];

  constructor(
    readonly socketPath: string,
    private readonly sink: WorkerSink,
    options: Partial<WorkerConnectionOptions> = {},
  ) {
    this.options = { ...defaults, ...options };
    this.backoffMs = this.options.reconnectMinMs;
  }

  start(): void {
    void this.connectOnce();
  }

  /** The live control client, or null when disconnected or when this is a Python worker. */
  get control(): ControlClient | null {
    return this.client && !this.client.isClosed ? this.client : null;
  }

  /** Resolves with the client once connected (null after `timeoutMs`). */
  waitForControl(timeoutMs: number): Promise<ControlClient | null> {
    if (this.control) return Promise.resolve(this.control);
    return new Promise((resolve) => {
      const done = (client: ControlClient | null): void => {
        clearTimeout(timer);
        resolve(client);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve(null);
      }, timeoutMs);
      this.waiters.push(done);
    });
  }

  /** Reconnects now (after a restart) instead of waiting for the backoff. */
  reconnectNow(): void {
    if (this.stopped) return;
    this.clearTimer();
    this.backoffMs = this.options.reconnectMinMs;
    const old = this.client;
    this.client = null;
    old?.close();
    void this.connectOnce();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimer();
    this.client?.close();
    this.client = null;
    for (const w of this.waiters) w(null);
    this.waiters = [];
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(fn: () => void, ms: number): void {
    this.clearTimer();
    if (!this.stopped) this.timer = setTimeout(fn, ms);
  }

  private retryLater(why: string): void {
    if (this.stopped) return;
    this.sink.disconnected(this.socketPath, why);
    this.schedule(() => void this.connectOnce(), this.backoffMs);
    this.backoffMs = Math.min(this.options.reconnectMaxMs, this.backoffMs * 2);
  }

  private async connectOnce(): Promise<void> {
    if (this.stopped) return;
    try {
      const connection = await connectControl(this.socketPath, { clientName: 'openrtc-vscode', timeoutMs: 2000 });
      if (this.stopped) {
        if (connection.kind === 'openrtc') connection.client.close();
        return;
      }
      this.backoffMs = this.options.reconnectMinMs;
      if (connection.kind === 'python-top') {
        this.sink.connected(this.socketPath, 'python', connection.top.worker.name || null);
        this.sink.snapshot(this.socketPath, connection.top.snapshot);
        this.schedule(() => void this.connectOnce(), this.options.pythonPollMs);
        return;
      }
      const client = connection.client;
      this.client = client;
      client.onClose(() => {
        if (this.client !== client) return;
        this.client = null;
        this.retryLater('the runtime closed the connection (stopped or restarting)');
      });
      this.sink.connected(this.socketPath, 'control', null);
      await client.subscribe({}, (event) => this.sink.event(this.socketPath, event));
      await this.refreshSnapshot(client);
      for (const w of this.waiters) w(client);
      this.waiters = [];
    } catch (err) {
      this.retryLater(explainConnectError(err));
    }
  }

  private async refreshSnapshot(client: ControlClient): Promise<void> {
    try {
      this.sink.snapshot(this.socketPath, await client.request('snapshot'));
    } catch (err) {
      if (client.isClosed) return; // the close handler reconnects
      this.sink.disconnected(this.socketPath, `snapshot failed: ${messageOf(err)}`);
    }
    this.schedule(() => {
      if (this.client === client && !client.isClosed) void this.refreshSnapshot(client);
    }, this.options.snapshotEveryMs);
  }
}
