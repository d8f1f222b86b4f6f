// Keeps one worker's view fresh: connect (JSON-RPC runtime or Python top.sock), subscribe,
// refresh the snapshot periodically (durations and CPU move without events), and reconnect
// with backoff after the runtime dies or restarts. Everything observed goes to the sink.
import { Methods, type RuntimeEvent, type RuntimeSnapshot } from '../../protocol/control';
import { parsePythonTop } from '../model/python-top';
import { ControlLink, ControlLinkError } from './control-link';
import { detectSocketKind, readPythonTop } from './socket-kind';

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

const defaults: WorkerConnectionOptions = { snapshotEveryMs: 2000, pythonPollMs: 1000, reconnectMinMs: 250, reconnectMaxMs: 5000 };

export class WorkerConnection {
  private link: ControlLink | null = null;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private backoffMs: number;
  private readonly options: WorkerConnectionOptions;
  /** Resolvers waiting for the next successful connection. */
  private waiters: Array<(link: ControlLink | null) => void> = [];

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

  /** The live control link, or null when disconnected or when this is a Python worker. */
  get control(): ControlLink | null {
    return this.link && !this.link.isClosed ? this.link : null;
  }

  /** Resolves with the link once connected (or null after `timeoutMs`). */
  waitForControl(timeoutMs: number): Promise<ControlLink | null> {
    if (this.control) return Promise.resolve(this.control);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve(null);
      }, timeoutMs);
      const done = (link: ControlLink | null): void => {
        clearTimeout(timer);
        resolve(link);
      };
      this.waiters.push(done);
    });
  }

  /** Forces a reconnect now (after a restart) instead of waiting for the backoff. */
  reconnectNow(): void {
    if (this.stopped) return;
    this.clearTimer();
    this.backoffMs = this.options.reconnectMinMs;
    this.link?.dispose();
    this.link = null;
    void this.connectOnce();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimer();
    this.link?.dispose();
    this.link = null;
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
      const kind = await detectSocketKind(this.socketPath);
      if (this.stopped) return;
      if (kind.kind === 'python') return this.showPython(kind.line);
      const link = await ControlLink.connect(this.socketPath);
      if (this.stopped) return link.dispose();
      this.link = link;
      this.backoffMs = this.options.reconnectMinMs;
      link.onClose((why) => {
        if (this.link === link) {
          this.link = null;
          this.retryLater(why);
        }
      });
      link.onEvent((event) => this.sink.event(this.socketPath, event));
      this.sink.connected(this.socketPath, 'control', null);
      await link.request(Methods.subscribe, {});
      await this.refreshSnapshot(link);
      for (const w of this.waiters) w(link);
      this.waiters = [];
    } catch (err) {
      this.retryLater(err instanceof ControlLinkError ? err.message : String((err as Error).message ?? err));
    }
  }

  private async refreshSnapshot(link: ControlLink): Promise<void> {
    try {
      this.sink.snapshot(this.socketPath, await link.request<RuntimeSnapshot>(Methods.snapshot));
    } catch (err) {
      if (link.isClosed) return; // the close handler reconnects
      this.sink.disconnected(this.socketPath, `snapshot failed: ${(err as Error).message}`);
    }
    this.schedule(() => {
      if (this.link === link && !link.isClosed) void this.refreshSnapshot(link);
    }, this.options.snapshotEveryMs);
  }

  private showPython(line: string): void {
    const parsed = parsePythonTop(line, Date.now(), this.socketPath);
    if (!parsed.ok) return this.retryLater(parsed.error);
    this.backoffMs = this.options.reconnectMinMs;
    this.sink.connected(this.socketPath, 'python', parsed.workerName);
    this.sink.snapshot(this.socketPath, parsed.snapshot);
    this.schedule(() => void this.pollPython(), this.options.pythonPollMs);
  }

  private async pollPython(): Promise<void> {
    try {
      this.showPython(await readPythonTop(this.socketPath));
    } catch (err) {
      this.retryLater(err instanceof ControlLinkError ? err.message : (err as Error).message);
    }
  }
}
