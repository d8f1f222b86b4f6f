// Shared by the e2e entries: the bundled mocha suite and a throwaway copy of the fixture workspace.
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

/** Bundles test/e2e/suite (mocha stays external: it loads from node_modules at run time). */
export async function bundleSuite(root) {
  const outfile = join(root, 'out/e2e/suite.js');
  await esbuild.build({
    entryPoints: [join(root, 'test/e2e/suite/index.ts')],
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return outfile;
}

/** A fresh copy of test/e2e/workspace, so runs never write into the repository. */
export function freshWorkspace(root) {
  const base = join(root, '.tools/e2e-runs');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, 'workspace-'));
  cpSync(join(root, 'test/e2e/workspace'), dir, { recursive: true });
  return dir;
}
