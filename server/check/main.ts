// The check bundle's entry (dist/check.js): what `openrtc check` loads beside dist/cli.js.
// The wasm grammars and analysis-worker.js sit beside it. The analyser's version for the cache
// is this build's identity: the size and time of both bundles, so any rebuild starts afresh.
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { CheckEntry, CheckIo } from '../../protocol/check-entry';
import { runCheck as run } from './run-check';

const workerScript = path.join(__dirname, 'analysis-worker.js');

function buildIdentity(): string {
  return [__filename, workerScript]
    .map((f) => {
      const s = statSync(f, { throwIfNoEntry: false });
      return s === undefined ? 'none' : `${s.size}:${s.mtimeMs}`;
    })
    .join('/');
}

/** package.json beside dist/ (the repository, the extension); SARIF's tool version. */
function packageVersion(): string {
  try {
    const pkg: unknown = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
    const v = typeof pkg === 'object' && pkg !== null ? (pkg as Record<string, unknown>)['version'] : undefined;
    return typeof v === 'string' ? v : 'unknown';
  } catch {
    return 'unknown';
  }
}
const version = packageVersion();

export const runCheck: CheckEntry['runCheck'] = (argv: readonly string[], io: CheckIo) =>
  run(argv, io, { bundleDir: __dirname, workerScript, analyser: `${version}+${buildIdentity()}`, version });
