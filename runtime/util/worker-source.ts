// Where a worker thread's code is. Bundled (dist/): `<name>.js` beside the bundle that starts it.
// From source (tests, tsx): the .ts entry, loaded through tsx in the worker.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export interface WorkerSource {
  /** A file path, or code to evaluate when `eval` is true. */
  code: string;
  eval: boolean;
}

/** `bundled`: the dist/ file name; `source`: the .ts entry's path relative to `dir` when run from source. */
export function workerSource(dir: string, bundled: string, source: string, what: string): WorkerSource {
  const bundledPath = join(dir, bundled);
  if (existsSync(bundledPath)) return { code: bundledPath, eval: false };
  const sourcePath = join(dir, source);
  if (!existsSync(sourcePath)) throw new Error(`${what} not found beside ${dir} (run npm run build)`);
  // Only reachable when running from source, where tsx is a dev dependency (createRequire keeps
  // the bundler from trying to resolve it at build time).
  const tsx = createRequire(__filename).resolve('tsx/cjs');
  return { code: `require(${JSON.stringify(tsx)}); require(${JSON.stringify(sourcePath)});`, eval: true };
}
