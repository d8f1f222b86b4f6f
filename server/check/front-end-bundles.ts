// The two front ends as bundles of their own beside the worker (dist/frontend-python.js,
// dist/frontend-typescript.js), so an analysis worker loads only the front ends of the files it
// is given: the TypeScript compiler is most of a worker's start-up, and a thread that parses
// only Python never pays for it (nor the tree-sitter runtime for a thread that parses only
// TypeScript). Loaded at run time from a path the bundler leaves alone.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { FileSummary, Language } from '../analysis/summary';
import type { AnalyzerOptions } from '../lsp/front-ends';

export type FrontEndKind = 'python' | 'typescript';
export const FRONT_END_KINDS: readonly FrontEndKind[] = ['python', 'typescript'];

export const frontEndOf = (language: Language): FrontEndKind => (language === 'python' ? 'python' : 'typescript');

/** Each kind's bundle file name, beside analysis-worker.js. */
export const FRONT_END_BUNDLES: Readonly<Record<FrontEndKind, string>> = {
  python: 'frontend-python.js',
  typescript: 'frontend-typescript.js',
};

export type AnalyzeFn = (path: string, language: Language, text: string, options: AnalyzerOptions) => FileSummary;

/** What each front-end bundle exports. */
export interface FrontEndBundle {
  /** Loads what the front end needs before its first file (the Python grammar); `wasmDir` holds the wasm files. */
  init(wasmDir: string): Promise<void>;
  analyze: AnalyzeFn;
}

/** Loads one front end's bundle from `dir` and initialises it; rejects with the file and what is wrong. */
export async function loadFrontEnd(dir: string, kind: FrontEndKind, wasmDir: string): Promise<FrontEndBundle> {
  const file = path.join(dir, FRONT_END_BUNDLES[kind]);
  if (!existsSync(file)) throw new Error(`${file} is missing: build it with npm run build`);
  const loaded = createRequire(__filename)(file) as Partial<FrontEndBundle>;
  if (typeof loaded.init !== 'function' || typeof loaded.analyze !== 'function')
    throw new Error(`${file} does not export init and analyze`);
  const bundle: FrontEndBundle = { init: loaded.init, analyze: loaded.analyze };
  await bundle.init(wasmDir);
  return bundle;
}
