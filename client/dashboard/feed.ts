// Feeds one runtime's series model: history from metrics.jsonl first, then the live stream.
// Live inputs that arrive while the file is read wait, and those the file already held are
// dropped (the file and the socket carry the same events), so nothing is counted twice.
// No vscode import: the panel owns the timers and the webview, this owns the order of inputs.
import { messageOf } from '../../protocol/errors';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { RuntimeEvent, RuntimeSnapshot } from '../../protocol/control';
import { SeriesModel, type SeriesOptions } from '../model/series';

type LiveInput = { kind: 'event'; event: RuntimeEvent } | { kind: 'snapshot'; snapshot: RuntimeSnapshot };

export interface HistoryResult {
  lines: number;
  skipped: number;
  /** Why the file could not be read at all (missing, unreadable), null when it was read. */
  problem: string | null;
}

export class DashboardFeed {
  readonly model: SeriesModel;
  private waiting: LiveInput[] | null = [];
  /** Inputs at or before this time came from the file. */
  private historyEndMs = -Infinity;
  /** Set whenever the model changed; the panel clears it when it sends a frame. */
  dirty = true;

  constructor(options: Partial<SeriesOptions> = {}) {
    this.model = new SeriesModel(options);
  }

  /**
   * Reads the metrics file line by line (it may be large), then replays what waited. null: this
   * runtime names no file (a Python worker), so the chart starts now.
   */
  async loadHistory(path: string | null): Promise<HistoryResult> {
    let lines = 0;
    let problem: string | null = path === null ? 'this runtime names no metrics file' : null;
    if (path !== null)
      try {
        const input = createReadStream(path, { encoding: 'utf8' });
        const reader = createInterface({ input, crlfDelay: Infinity });
        let batch: string[] = [];
        for await (const line of reader) {
          batch.push(line);
          lines += 1;
          if (batch.length === 2000) {
            this.model.addMetricsLines(batch);
            batch = [];
          }
        }
        this.model.addMetricsLines(batch);
      } catch (err) {
        problem = `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? messageOf(err)}`;
      }
    this.historyEndMs = this.model.lastMs ?? -Infinity;
    const waiting = this.waiting ?? [];
    this.waiting = null;
    for (const input of waiting) this.apply(input);
    this.dirty = true;
    return { lines, skipped: this.model.skippedLines, problem };
  }

  event(event: RuntimeEvent): void {
    this.take({ kind: 'event', event });
  }

  snapshot(snapshot: RuntimeSnapshot): void {
    this.take({ kind: 'snapshot', snapshot });
  }

  private take(input: LiveInput): void {
    if (this.waiting) this.waiting.push(input);
    else this.apply(input);
  }

  private apply(input: LiveInput): void {
    const atMs = input.kind === 'event' ? Date.parse(input.event.ts) : input.snapshot.timestamp * 1000;
    if (atMs <= this.historyEndMs) return;
    if (input.kind === 'event') this.model.addEvent(input.event);
    else this.model.addSnapshot(input.snapshot);
    this.dirty = true;
  }
}
