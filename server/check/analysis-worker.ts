// A worker thread of the analysis pool (bundled as dist/analysis-worker.js): loads the front
// ends once, then answers each batch of files with their summaries, in order.
import { parentPort, workerData } from 'node:worker_threads';
import { initFrontEnds } from '../lsp/front-ends';
import { runJob, type AnalyseJob } from './analyse-job';
import type { PoolWorkerData } from './worker-pool';

const port = parentPort;
if (port === null) throw new Error('analysis-worker.js runs only as a worker thread');
const ready = initFrontEnds((workerData as PoolWorkerData).wasmDir);
port.on('message', (batch: AnalyseJob[]) => {
  void ready.then(
    () => port.postMessage({ ok: true, outcomes: batch.map(runJob) }),
    (error: unknown) => port.postMessage({ ok: false, error: String(error) }),
  );
});
