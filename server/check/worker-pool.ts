// Worker threads for a cold analysis: the front ends are pure and synchronous (text in,
// summary out), so files split across threads with no shared state. Each worker takes the next
// batch from one queue when it finishes the last, so a slow file delays only its own thread.
import { Worker } from 'node:worker_threads';
import type { AnalyseJob, AnalyseOutcome } from './analyse-job';

export interface PoolWorkerData {
  /** Folder holding the tree-sitter wasm files. */
  wasmDir: string;
}

type WorkerReply = { ok: true; outcomes: AnalyseOutcome[] } | { ok: false; error: string };

/** Files per message: large enough that messaging is noise, small enough to balance the threads. */
const BATCH = 8;

export async function analyseInWorkers(
  script: string,
  threads: number,
  data: PoolWorkerData,
  jobs: readonly AnalyseJob[],
): Promise<AnalyseOutcome[]> {
  const outcomes: AnalyseOutcome[] = new Array<AnalyseOutcome>(jobs.length);
  let next = 0;
  const runOne = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const worker = new Worker(script, { workerData: data });
      let start = 0;
      let finished = false;
      const send = (): void => {
        if (next >= jobs.length) {
          finished = true;
          void worker.terminate().then(() => resolve());
          return;
        }
        start = next;
        next = Math.min(jobs.length, next + BATCH);
        worker.postMessage(jobs.slice(start, next));
      };
      worker.on('message', (reply: WorkerReply) => {
        if (!reply.ok) {
          void worker.terminate();
          reject(new Error(`analysis worker: ${reply.error}`));
          return;
        }
        reply.outcomes.forEach((o, i) => (outcomes[start + i] = o));
        send();
      });
      worker.on('error', reject);
      // A worker that dies without an 'error' (out of memory, process.exit in a library) must not hang the check.
      worker.on('exit', (code) => {
        if (!finished) reject(new Error(`analysis worker exited with code ${code} before finishing`));
      });
      send();
    });
  await Promise.all(Array.from({ length: Math.max(1, Math.min(threads, jobs.length)) }, runOne));
  return outcomes;
}
