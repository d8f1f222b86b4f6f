// Where the watchdog worker's code is. Bundled (dist/): `watchdog.js` beside the bundle that
// imports this. From source (tests, tsx): the .ts entry, loaded through tsx in the worker.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export interface WorkerSource {
  /** A file path, or code to evaluate when `eval` is true. */
  code: string;
  eval: boolean;
}

export function watchdogWorkerSource(dir: string = __dirname): WorkerSource {
  const bundled = join(dir, 'watchdog.js');
  if (existsSync(bundled)) return { code: bundled, eval: false };
  const source = join(dir, 'watchdog-worker.ts');
  if (!existsSync(source)) throw new Error(`attribution: watchdog worker not found beside ${dir} (run npm run build)`);
  // Only reachable when running from source, where tsx is a dev dependency (createRequire keeps
  // the bundler from trying to resolve it at build time).
  const tsx = createRequire(__filename).resolve('tsx/cjs');
  return { code: `require(${JSON.stringify(tsx)}); require(${JSON.stringify(source)});`, eval: true };
}
