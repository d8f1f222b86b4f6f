// Where the watchdog worker's code is: `watchdog.js` beside the bundle, or the .ts entry from source.
import { workerSource, type WorkerSource } from '../util/worker-source';

export type { WorkerSource } from '../util/worker-source';

export function watchdogWorkerSource(dir: string = __dirname): WorkerSource {
  return workerSource(dir, 'watchdog.js', 'watchdog-worker.ts', 'attribution: watchdog worker');
}
