// The cold analysis's dealing of files to threads (server/check/shard-queue.ts): by language
// first, so a thread loads only the front ends it needs, and a thread joins another language
// only when the work left there outweighs the load it would pay.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FrontEndKind } from '../../server/check/front-end-bundles';
import {
  MAX_BATCH_BYTES,
  MAX_BATCH_FILES,
  ShardQueue,
  type ShardCosts,
  type ShardItem,
} from '../../server/check/shard-queue';

const costs: ShardCosts = {
  loadMs: { python: 60, typescript: 300 },
  msPerByte: { python: 1 / 1000, typescript: 1 / 2000 },
};

const items = (kind: FrontEndKind, count: number, bytes = 4000): ShardItem[] =>
  Array.from({ length: count }, () => ({ kind, bytes }));

/** Runs the queue as the pool does: the thread that would finish first asks next (virtual time). */
function drain(
  queue: ShardQueue,
  all: readonly ShardItem[],
  threads: number,
): { batches: number[][][]; busyMs: number[] } {
  const batches: number[][][] = Array.from({ length: threads }, () => []);
  const busyMs = Array.from({ length: threads }, () => 0);
  const active = new Set(Array.from({ length: threads }, (_, t) => t));
  while (active.size > 0) {
    const thread = [...active].sort((a, b) => (busyMs[a] as number) - (busyMs[b] as number))[0] as number;
    const loadedBefore = new Set(queue.loadedBy(thread));
    const batch = queue.next(thread);
    if (batch === null) {
      active.delete(thread);
      continue;
    }
    batches[thread]!.push(batch);
    for (const i of batch) {
      const item = all[i] as ShardItem;
      if (!loadedBefore.has(item.kind)) busyMs[thread]! += costs.loadMs[item.kind];
      loadedBefore.add(item.kind);
      busyMs[thread]! += item.bytes * costs.msPerByte[item.kind];
    }
  }
  return { batches, busyMs };
}

const kindsOf = (all: readonly ShardItem[], batches: readonly number[][]): Set<FrontEndKind> =>
  new Set(batches.flat().map((i) => (all[i] as ShardItem).kind));

describe('shard queue', () => {
  it('deals every file out exactly once, one language per batch, within the batch limits', () => {
    const all = [
      ...items('python', 90, 3000),
      ...items('typescript', 70, 9000),
      { kind: 'python' as const, bytes: 500_000 },
    ];
    const queue = new ShardQueue(all, 3, costs);
    const { batches } = drain(queue, all, 3);
    const dealt = batches.flat(2).sort((a, b) => a - b);
    assert.deepEqual(
      dealt,
      all.map((_, i) => i),
    );
    for (const batch of batches.flat()) {
      assert.equal(kindsOf(all, [batch]).size, 1);
      assert.ok(batch.length <= MAX_BATCH_FILES);
      const bytes = batch.reduce((n, i) => n + (all[i] as ShardItem).bytes, 0);
      assert.ok(batch.length === 1 || bytes - (all[batch.at(-1) as number] as ShardItem).bytes < MAX_BATCH_BYTES);
    }
    assert.deepEqual(
      batches.flat().find((b) => b.includes(all.length - 1)),
      [all.length - 1],
      'a huge file goes alone',
    );
  });

  it('on two threads and two languages of like work, each thread loads one front end', () => {
    const all = [...items('python', 300), ...items('typescript', 300, 8000)];
    const { batches, busyMs } = drain(new ShardQueue(all, 2, costs), all, 2);
    assert.deepEqual(
      batches.map((b) => [...kindsOf(all, b)]),
      [['python'], ['typescript']],
    );
    assert.ok(Math.abs(busyMs[0]! - busyMs[1]!) < 400, `balanced: ${busyMs.join(' / ')}`);
  });

  it('a thread whose language is done joins the other when the work left outweighs the load', () => {
    const all = [...items('python', 600), ...items('typescript', 20)];
    const { batches, busyMs } = drain(new ShardQueue(all, 2, costs), all, 2);
    assert.deepEqual([...kindsOf(all, batches[0]!)], ['python']);
    assert.deepEqual([...kindsOf(all, batches[1]!)].sort(), ['python', 'typescript']);
    // Without joining, python alone would take 2,400 ms on thread 0.
    assert.ok(Math.max(...busyMs) < 1500, `both threads share the python files: ${busyMs.join(' / ')}`);
  });

  it('does not load the TypeScript compiler for less TypeScript work than the load costs', () => {
    const all = [...items('typescript', 100, 4000), ...items('python', 4)];
    const { batches } = drain(new ShardQueue(all, 2, costs), all, 2);
    // 200 ms of TypeScript left at most when the python thread is free: under the 300 ms load.
    assert.deepEqual([...kindsOf(all, batches[1]!)], ['python']);
    assert.deepEqual([...kindsOf(all, batches[0]!)], ['typescript']);
  });

  it('one language on all threads shares it out; one thread takes every language in turn', () => {
    const py = items('python', 200);
    const spread = drain(new ShardQueue(py, 2, costs), py, 2);
    assert.ok(spread.batches.every((b) => b.length > 0));
    assert.ok(Math.abs(spread.busyMs[0]! - spread.busyMs[1]!) < 100, spread.busyMs.join(' / '));
    const mixed = [...items('python', 5), ...items('typescript', 5)];
    const alone = drain(new ShardQueue(mixed, 1, costs), mixed, 1);
    assert.equal(alone.batches[0]!.flat().length, 10);
    // Language by language: one switch, not one per batch.
    const order = alone.batches[0]!.map((b) => (mixed[b[0] as number] as ShardItem).kind);
    assert.equal(order.filter((k, i) => i > 0 && k !== order[i - 1]).length, 1);
  });

  it('a thread with nothing to take is done at once; an unknown thread is a programming error', () => {
    const queue = new ShardQueue(items('python', 1), 2, costs);
    assert.notEqual(queue.next(0), null);
    assert.equal(queue.next(1), null);
    assert.equal(queue.next(0), null);
    assert.throws(() => queue.next(2), RangeError);
  });
});
