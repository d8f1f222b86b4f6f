// One esbuild script for every bundle the extension ships: client, language server,
// runtime and CLI. Each entry is self-contained (no node_modules at run time).
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** `--outdir DIR` and `--only a,b` let tests build a private copy of one bundle. */
const argValue = (flag) => {
  const i = process.argv.indexOf(flag);
  return i === -1 ? undefined : process.argv[i + 1];
};
const dist = argValue('--outdir') ? resolve(argValue('--outdir')) : join(root, 'dist');
/** Bundles that go with another: dist/cli.js loads the command table (dist/cli-commands.js) beside it. */
const companions = { cli: ['cli-commands'] };
const only = argValue('--only')
  ?.split(',')
  .flatMap((name) => [name, ...(companions[name] ?? [])]);

/** out name (under dist/) → source entry. Entries whose source does not exist yet are skipped. */
const entries = {
  cli: 'runtime/cli/main.ts',
  // Every command but `check` (which cli.js runs without it): see runtime/cli/main.ts.
  'cli-commands': 'runtime/cli/commands.ts',
  runtime: 'runtime/index.ts',
  'tenant-child': 'runtime/isolation/child-main.ts',
  watchdog: 'runtime/attribution/watchdog-worker.ts',
  'control-thread': 'runtime/control/thread/control-thread.ts',
  server: 'server/main.ts',
  check: 'server/check/main.ts',
  'analysis-worker': 'server/check/analysis-worker.ts',
  // Each front end on its own, loaded by a worker only for files of its language.
  'frontend-python': 'server/check/frontend-python.ts',
  'frontend-typescript': 'server/check/frontend-typescript.ts',
  extension: 'client/extension.ts',
};

/** Browser bundles (webview scripts): one self-contained IIFE each, its CSS beside it. */
const webEntries = {
  dashboard: 'client/dashboard/webview/main.ts',
};

/** Files copied verbatim next to the bundles (wasm grammars, native helpers). [from, to under dist/] */
const assets = [
  ['node_modules/web-tree-sitter/web-tree-sitter.wasm', 'web-tree-sitter.wasm'],
  ['node_modules/tree-sitter-python/tree-sitter-python.wasm', 'tree-sitter-python.wasm'],
  // esbuild's native binary: the runtime bundles agent files with esbuild's JS API, which is bundled
  // too and pointed at this file through ESBUILD_BINARY_PATH (runtime/agents/bundle.ts).
  ['node_modules/@esbuild/linux-x64/bin/esbuild', 'bin/esbuild'],
];

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const entryPoints = Object.entries(entries)
  .filter(([out, src]) => existsSync(join(root, src)) && (only === undefined || only.includes(out)))
  .map(([out, src]) => ({ out, in: join(root, src) }));

const options = {
  entryPoints,
  outdir: dist,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  minify: production,
  // esbuild's JS API is bundled: it refuses only when ESBUILD_BINARY_PATH is unset, and the runtime
  // sets it to dist/bin/esbuild (copied below) before first loading it, so no node_modules is needed.
  external: ['vscode'],
  logLevel: 'warning',
  loader: { '.wasm': 'file' },
  // The ESM build of web-tree-sitter needs import.meta.url, which a cjs bundle lacks (research §4.2).
  alias: {
    'web-tree-sitter': join(root, 'node_modules/web-tree-sitter/web-tree-sitter.cjs'),
    // jsonc-parser's UMD build requires './impl/*' dynamically, which a bundle cannot resolve.
    'jsonc-parser': join(root, 'node_modules/jsonc-parser/lib/esm/main.js'),
  },
};

for (const [from, to] of assets) {
  const src = join(root, from);
  if (!existsSync(src)) throw new Error(`build: asset missing: ${from} (run npm ci)`);
  mkdirSync(dirname(join(dist, to)), { recursive: true });
  cpSync(src, join(dist, to));
}

// The webview runs in a page with a strict CSP: no eval, no inline script, nothing fetched; uPlot
// and our code go in one file loaded by nonce.
const webOptions = {
  entryPoints: Object.entries(webEntries)
    .filter(([out, src]) => existsSync(join(root, src)) && (only === undefined || only.includes(out)))
    .map(([out, src]) => ({ out, in: join(root, src) })),
  outdir: dist,
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'chrome114',
  sourcemap: 'linked',
  minify: production,
  logLevel: 'warning',
};

if (watch) {
  for (const o of [options, webOptions]) await (await esbuild.context(o)).watch();
  console.log('esbuild: watching');
} else {
  await Promise.all([esbuild.build(options), webOptions.entryPoints.length ? esbuild.build(webOptions) : null]);
}
