// Owns the tree model and every worker connection; the views listen to `onDidChange`.
// Events are coalesced into one change per batch window so a burst of 1,000 session events
// costs one refresh, not 1,000.
import * as vscode from 'vscode';
import type { RuntimeEvent, RuntimeSnapshot } from '../protocol/control';
import { TreeModel } from './model/tree-model';
import type { WorkerKind } from './model/worker-state';
import type { MemorySample } from './runbooks/density';
import type { ControlClient } from '../protocol/connect';
import { WorkerConnection, type WorkerSink } from './runtime/worker-connection';

export const BATCH_MS = 100;
const MAX_RSS_SAMPLES = 300;

export class Controller implements vscode.Disposable, WorkerSink {
  readonly model = new TreeModel();
  private readonly connections = new Map<string, WorkerConnection>();
  private readonly changed = new vscode.EventEmitter<string[] | undefined>();
  /** Fires with the dirty node ids of a batch (undefined: refresh everything). */
  readonly onDidChange = this.changed.event;
  private readonly eventListeners = new Set<(workerId: string, event: RuntimeEvent) => void>();
  private readonly snapshotListeners = new Set<(workerId: string, snapshot: RuntimeSnapshot) => void>();
  private pendingEvents = new Map<string, RuntimeEvent[]>();
  private pendingDirty = new Set<string>();
  private flushTimer: NodeJS.Timeout | null = null;
  /** Worker RSS over time, for the density runbook's memory trend (bounded). */
  private readonly rss = new Map<string, MemorySample[]>();

  constructor(private readonly log: vscode.OutputChannel) {}

  watch(socketPath: string, label: string, kind: WorkerKind): WorkerConnection {
    const existing = this.connections.get(socketPath);
    if (existing) return existing;
    this.model.addWorker(socketPath, label, kind);
    const connection = new WorkerConnection(socketPath, this);
    this.connections.set(socketPath, connection);
    connection.start();
    this.changed.fire(undefined);
    return connection;
  }

  unwatch(socketPath: string): void {
    this.connections.get(socketPath)?.stop();
    this.connections.delete(socketPath);
    this.model.removeWorker(socketPath);
    this.pendingEvents.delete(socketPath);
    this.rss.delete(socketPath);
    this.changed.fire(undefined);
  }

  connection(socketPath: string): WorkerConnection | undefined {
    return this.connections.get(socketPath);
  }

  /** The control link of the given worker, or of the only/first connected runtime. */
  control(workerId?: string): ControlClient | null {
    if (workerId) return this.connections.get(workerId)?.control ?? null;
    for (const c of this.connections.values()) if (c.control) return c.control;
    return null;
  }

  /** Raw event stream (runbooks and diagnostics listen here), before batching. */
  onEvent(listener: (workerId: string, event: RuntimeEvent) => void): vscode.Disposable {
    this.eventListeners.add(listener);
    return new vscode.Disposable(() => this.eventListeners.delete(listener));
  }

  /** Every snapshot as it arrives (the dashboard samples levels from them). */
  onSnapshot(listener: (workerId: string, snapshot: RuntimeSnapshot) => void): vscode.Disposable {
    this.snapshotListeners.add(listener);
    return new vscode.Disposable(() => this.snapshotListeners.delete(listener));
  }

  // WorkerSink
  connected(workerId: string, kind: 'control' | 'python', label: string | null): void {
    const worker = this.model.worker(workerId);
    if (worker && kind === 'python') {
      worker.kind = 'python';
      if (label) worker.label = label;
    }
    this.log.appendLine(
      `connected to ${workerId} (${kind === 'python' ? 'Python OpenRTC top.sock' : 'OpenRTC control socket'})`,
    );
  }

  snapshot(workerId: string, snapshot: RuntimeSnapshot): void {
    // A snapshot supersedes any events still waiting for the batch.
    this.pendingEvents.delete(workerId);
    for (const listener of this.snapshotListeners) listener(workerId, snapshot);
    this.markDirty(this.model.applySnapshot(workerId, snapshot));
    let samples = this.rss.get(workerId);
    if (!samples) this.rss.set(workerId, (samples = []));
    samples.push({ atMs: Date.now(), rssMb: snapshot.rss_mb });
    if (samples.length > MAX_RSS_SAMPLES) samples.splice(0, samples.length - MAX_RSS_SAMPLES);
  }

  rssSamples(workerId: string): MemorySample[] {
    return this.rss.get(workerId) ?? [];
  }

  event(workerId: string, event: RuntimeEvent): void {
    for (const listener of this.eventListeners) listener(workerId, event);
    let queue = this.pendingEvents.get(workerId);
    if (!queue) this.pendingEvents.set(workerId, (queue = []));
    queue.push(event);
    this.scheduleFlush();
  }

  disconnected(workerId: string, why: string): void {
    const worker = this.model.worker(workerId);
    if (worker?.connection === 'disconnected' && worker.problem === why) return;
    this.log.appendLine(`${workerId}: ${why}`);
    this.markDirty(this.model.setDisconnected(workerId, why));
  }

  private markDirty(ids: string[]): void {
    for (const id of ids) this.pendingDirty.add(id);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (!this.flushTimer) this.flushTimer = setTimeout(() => this.flush(), BATCH_MS);
  }

  private flush(): void {
    this.flushTimer = null;
    for (const [workerId, events] of this.pendingEvents) {
      for (const id of this.model.applyEvents(workerId, events)) this.pendingDirty.add(id);
    }
    this.pendingEvents = new Map();
    const dirty = [...this.pendingDirty];
    this.pendingDirty = new Set();
    if (dirty.length) this.changed.fire(dirty);
  }

  dispose(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const c of this.connections.values()) c.stop();
    this.connections.clear();
    this.changed.dispose();
  }
}
