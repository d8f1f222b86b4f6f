// The check bundle's entry (dist/check.js): what `openrtc check` loads beside dist/cli.js.
// The wasm grammars and analysis-worker.js sit beside it; the cache's analyser version is the
// worker bundle's identity, which the language server uses too, so both share one cache.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { CheckEntry, CheckIo } from '../../protocol/check-entry';
import { analyserVersion } from './analysis-cache';
import { runCheck as run } from './run-check';

const workerScript = path.join(__dirname, 'analysis-worker.js');

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

export const runCheck: CheckEntry['runCheck'] = (argv: readonly string[], io: CheckIo) =>
  run(argv, io, {
    bundleDir: __dirname,
    workerScript,
    analyser: analyserVersion(__dirname, __filename),
    version: packageVersion,
  });
