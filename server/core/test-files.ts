// Which files are tests: most real findings in TypeScript projects sit in `*.test.ts` files
// inside async test callbacks, where a blocking call stalls a test runner, not a tenant. With
// `testFilesAsInformation` (default on) their findings are shown at information.
import * as path from 'node:path';
import type { ActiveSeverity } from './rule-book';

/** `x.test.ts`, `x.spec.mjs`, `test_x.py`, `x_test.py`, `conftest.py`. */
const testFileName = /\.(?:test|spec)\.[cm]?[jt]sx?$|^test_.*\.py$|_test\.py$|^conftest\.py$/;
/** Folders that hold tests (looked for below the workspace root, so a root called `test` does not count). */
const testFolders = new Set(['test', 'tests', '__tests__', 'spec']);

export function isTestFile(filePath: string, roots: readonly string[]): boolean {
  if (testFileName.test(path.basename(filePath))) return true;
  const root = roots
    .filter((r) => filePath.startsWith(r.endsWith(path.sep) ? r : r + path.sep))
    .reduce<string | undefined>((best, r) => (best === undefined || r.length > best.length ? r : best), undefined);
  const below = root === undefined ? path.basename(filePath) : path.relative(root, filePath);
  return below
    .split(path.sep)
    .slice(0, -1)
    .some((folder) => testFolders.has(folder));
}

/** Errors and warnings become information; information and hints stay. */
export function asTestSeverity(severity: ActiveSeverity): ActiveSeverity {
  return severity === 'error' || severity === 'warning' ? 'information' : severity;
}
