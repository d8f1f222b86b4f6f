// A worker thread of the analysis pool (bundled as dist/analysis-worker.js): answers each batch
// of files with their summaries, in order, loading each front end's bundle the first time a
// file of its language arrives (front-end-bundles.ts), and says which front ends it has loaded.
import { parentPort, workerData } from 'node:worker_threads';
import { messageOf } from '../../protocol/errors';
import { runJob, type AnalyseJob } from './analyse-job';
import { frontEndOf, loadFrontEnd, type FrontEndBundle, type FrontEndKind } from './front-end-bundles';
import type { PoolWorkerData, WorkerOutcome, WorkerReply } from './worker-pool';

const port = parentPort;
if (port === null) throw new Error('analysis-worker.js runs only as a worker thread');
const { wasmDir } = workerData as PoolWorkerData;
const frontEnds = new Map<FrontEndKind, Promise<FrontEndBundle>>();

function frontEnd(kind: FrontEndKind): Promise<FrontEndBundle> {
  let loading = frontEnds.get(kind);
  if (loading === undefined) {
    loading = loadFrontEnd(__dirname, kind, wasmDir);
    frontEnds.set(kind, loading);
  }
  return loading;
}

/** Each summary goes back as JSON text: the main thread parses it, as it would a clone, and stores the text as is. */
async function answer(batch: readonly AnalyseJob[]): Promise<WorkerOutcome[]> {
  const outcomes: WorkerOutcome[] = [];
  for (const job of batch) {
    const { summary, error } = runJob((await frontEnd(frontEndOf(job.language))).analyze, job);
    outcomes.push(
      error === undefined ? { summaryText: JSON.stringify(summary) } : { summaryText: JSON.stringify(summary), error },
    );
  }
  return outcomes;
}

// The pool sends the next batch only after this one's reply, so batches never overlap.
port.on('message', (batch: AnalyseJob[]) => {
  void answer(batch).then(
    (outcomes) => port.postMessage({ ok: true, outcomes, loaded: [...frontEnds.keys()] } satisfies WorkerReply),
    (error: unknown) => port.postMessage({ ok: false, error: messageOf(error) } satisfies WorkerReply),
  );
});
