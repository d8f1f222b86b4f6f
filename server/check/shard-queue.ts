// Which files an analysis thread parses next, when several threads share a cold analysis.
// A thread loads a front end only when it is first given a file of that language (loading the
// TypeScript compiler costs about as much as parsing a hundred files), so files are dealt out
// by language: each language goes first to a thread that has nobody else's language, and a
// thread whose language is done joins another only when that shortens the whole run (the work
// left there is more than the load it would pay, times the threads already on it). Within a
// language, the largest files go first and batches are sized by bytes, shrinking towards the
// end, so the threads finish together. Pure: sizes and estimated costs in, batches out.
import type { FrontEndKind } from './front-end-bundles';

export interface ShardItem {
  kind: FrontEndKind;
  /** Source size, the estimate of its parse time. */
  bytes: number;
}

/** Estimated CPU costs on one thread; only their proportions matter. */
export interface ShardCosts {
  /** To load each front end in a fresh thread. */
  loadMs: Readonly<Record<FrontEndKind, number>>;
  /** To analyse one byte of source. */
  msPerByte: Readonly<Record<FrontEndKind, number>>;
}

/** A batch is at most this many bytes or files, and never less than one file. */
export const MAX_BATCH_BYTES = 128 * 1024;
export const MAX_BATCH_FILES = 16;

interface ThreadState {
  loaded: Set<FrontEndKind>;
  /** The language it is working on; null before its first batch and once it is done. */
  current: FrontEndKind | null;
}

export class ShardQueue {
  /** Each language's items not yet dealt out, as indices, largest last (taken from the end). */
  private readonly pending = new Map<FrontEndKind, number[]>();
  private readonly bytesLeft = new Map<FrontEndKind, number>();
  private readonly threads: ThreadState[];

  constructor(
    private readonly items: readonly ShardItem[],
    threadCount: number,
    private readonly costs: ShardCosts,
  ) {
    items.forEach((item, index) => {
      const list = this.pending.get(item.kind) ?? [];
      list.push(index);
      this.pending.set(item.kind, list);
      this.bytesLeft.set(item.kind, (this.bytesLeft.get(item.kind) ?? 0) + item.bytes);
    });
    for (const list of this.pending.values()) list.sort((a, b) => this.size(a) - this.size(b));
    this.threads = Array.from({ length: threadCount }, () => ({ loaded: new Set(), current: null }));
  }

  /** The front ends a thread has been given files of so far. */
  loadedBy(thread: number): ReadonlySet<FrontEndKind> {
    return this.state(thread).loaded;
  }

  /** The next batch for `thread` (indices into the items, one language), or null: it is done. */
  next(thread: number): number[] | null {
    const state = this.state(thread);
    const kind = state.current !== null && this.left(state.current) > 0 ? state.current : this.choose(thread);
    state.current = kind;
    if (kind === null) return null;
    state.loaded.add(kind);
    return this.take(kind, this.onKind(kind));
  }

  private state(thread: number): ThreadState {
    const state = this.threads[thread];
    if (state === undefined) throw new RangeError(`shard queue: no thread ${thread} of ${this.threads.length}`);
    return state;
  }

  private size(index: number): number {
    return (this.items[index] as ShardItem).bytes;
  }

  private left(kind: FrontEndKind): number {
    return this.pending.get(kind)?.length ?? 0;
  }

  private onKind(kind: FrontEndKind, except?: ThreadState): number {
    return this.threads.filter((t) => t !== except && t.current === kind).length;
  }

  /** The language whose work would otherwise finish last, among those worth joining; null: none is. */
  private choose(thread: number): FrontEndKind | null {
    const state = this.state(thread);
    let best: FrontEndKind | null = null;
    let bestFinish = -1;
    for (const kind of this.pending.keys()) {
      if (this.left(kind) === 0) continue;
      const others = this.onKind(kind, state);
      const workMs = (this.bytesLeft.get(kind) as number) * this.costs.msPerByte[kind];
      const loadMs = state.loaded.has(kind) ? 0 : this.costs.loadMs[kind];
      // Joining `others` threads shortens that language's run only if the work left outweighs the load.
      if (others > 0 && others * loadMs >= workMs) continue;
      const finish = others === 0 ? Infinity : workMs / others;
      if (finish > bestFinish) {
        best = kind;
        bestFinish = finish;
      }
    }
    return best;
  }

  private take(kind: FrontEndKind, threadsOnKind: number): number[] {
    const list = this.pending.get(kind) as number[];
    // Early batches are large (fewer messages); late ones small, so no thread is left with a long tail.
    const target = Math.min(MAX_BATCH_BYTES, (this.bytesLeft.get(kind) as number) / (2 * threadsOnKind));
    const batch: number[] = [];
    let bytes = 0;
    while (list.length > 0 && batch.length < MAX_BATCH_FILES && (batch.length === 0 || bytes < target)) {
      const index = list.pop() as number;
      batch.push(index);
      bytes += this.size(index);
    }
    this.bytesLeft.set(kind, (this.bytesLeft.get(kind) as number) - bytes);
    return batch;
  }
}
