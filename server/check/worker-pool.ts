// Worker threads for a cold analysis: the front ends are pure and synchronous (text in,
// summary out), so files split across threads with no shared state. Each thread asks the shard
// queue for its next batch when it finishes the last, so a slow file delays only its own
// thread, and each is given one language's files for as long as there are any (shard-queue.ts),
// so it loads only the front ends it needs. A thread is started only when it has a first batch.
import type { AnalyseJob, AnalyseOutcome } from './analyse-job';
import { frontEndOf, type FrontEndKind } from './front-end-bundles';
import { ShardQueue, type ShardCosts } from './shard-queue';

export interface PoolWorkerData {
  /** Folder holding the tree-sitter wasm files. */
  wasmDir: string;
}

/** One file's answer from a worker: its summary as JSON text. */
export interface WorkerOutcome {
  summaryText: string;
  error?: string;
}

export type WorkerReply =
  { ok: true; outcomes: WorkerOutcome[]; loaded: FrontEndKind[] } | { ok: false; error: string };

export interface PoolResult {
  /** In the order of the jobs. */
  outcomes: AnalyseOutcome[];
  /** The front ends each started thread loaded, as it reported them. */
  loaded: FrontEndKind[][];
}

/**
 * CPU on one thread (Node 20, the bundled front ends, the bench corpus: /tmp timing of
 * require + init, then every file of the language; this 2-core host at load ~11, so only the
 * proportions hold): loading the TypeScript front end (the compiler) 500-700 ms, the Python one
 * (the tree-sitter runtime and grammar) 50-60 ms; analysing ~730 bytes of Python or ~950 bytes
 * of TypeScript per ms.
 */
export const POOL_COSTS: ShardCosts = {
  loadMs: { python: 50, typescript: 500 },
  msPerByte: { python: 1 / 730, typescript: 1 / 950 },
};

export async function analyseInWorkers(
  script: string,
  threads: number,
  data: PoolWorkerData,
  jobs: readonly AnalyseJob[],
  costs: ShardCosts = POOL_COSTS,
): Promise<PoolResult> {
  // Loaded here, not at the top: a warm check starts no thread and need not pay for the module (~4 ms).
  const { Worker } = await import('node:worker_threads');
  const outcomes: AnalyseOutcome[] = new Array<AnalyseOutcome>(jobs.length);
  const count = Math.max(1, Math.min(threads, jobs.length));
  const queue = new ShardQueue(
    jobs.map((j) => ({ kind: frontEndOf(j.language), bytes: j.text.length })),
    count,
    costs,
  );
  const loaded: FrontEndKind[][] = [];
  const runOne = (thread: number): Promise<void> =>
    new Promise((resolve, reject) => {
      let batch = queue.next(thread);
      if (batch === null) return resolve();
      const worker = new Worker(script, { workerData: data });
      const reported: FrontEndKind[] = [];
      loaded.push(reported);
      let finished = false;
      const send = (indices: number[]): void => worker.postMessage(indices.map((i) => jobs[i]));
      worker.on('message', (reply: WorkerReply) => {
        if (!reply.ok) {
          void worker.terminate();
          reject(new Error(`analysis worker: ${reply.error}`));
          return;
        }
        reply.outcomes.forEach((o, i) => {
          const summary = JSON.parse(o.summaryText) as AnalyseOutcome['summary'];
          const outcome: AnalyseOutcome = { summary, summaryText: o.summaryText };
          if (o.error !== undefined) outcome.error = o.error;
          outcomes[(batch as number[])[i] as number] = outcome;
        });
        reported.splice(0, reported.length, ...reply.loaded);
        batch = queue.next(thread);
        if (batch !== null) return send(batch);
        finished = true;
        void worker.terminate().then(() => resolve());
      });
      worker.on('error', reject);
      // A worker that dies without an 'error' (out of memory, process.exit in a library) must not hang the check.
      worker.on('exit', (code) => {
        if (!finished) reject(new Error(`analysis worker exited with code ${code} before finishing`));
      });
      send(batch);
    });
  await Promise.all(Array.from({ length: count }, (_, thread) => runOne(thread)));
  return { outcomes, loaded };
}
