// Loads web-tree-sitter and the tree-sitter-python grammar once (async), then hands out the
// same Parser for synchronous parsing. Bundled builds pass dist/ (where scripts/build.mjs
// copies both wasm files); tests pass the node_modules folders.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Language, Parser } from 'web-tree-sitter';

export interface PythonWasmLocation {
  /** Folder holding web-tree-sitter.wasm. */
  runtimeDir: string;
  /** Folder holding tree-sitter-python.wasm. */
  grammarDir: string;
}

const RUNTIME_WASM = 'web-tree-sitter.wasm';
const GRAMMAR_WASM = 'tree-sitter-python.wasm';

let ready: Promise<Parser> | undefined;
let parser: Parser | undefined;

/** Where the wasm files sit in a checkout with node_modules (tests, tools). */
export function nodeModulesWasmLocation(repoRoot: string): PythonWasmLocation {
  return {
    runtimeDir: join(repoRoot, 'node_modules', 'web-tree-sitter'),
    grammarDir: join(repoRoot, 'node_modules', 'tree-sitter-python'),
  };
}

/**
 * Loads the runtime and grammar. Safe to call many times; the first call's location wins.
 * `location` may be one folder holding both files (dist/) or the two node_modules folders.
 */
export function initPython(location: string | PythonWasmLocation): Promise<void> {
  if (!ready) {
    const where = typeof location === 'string' ? { runtimeDir: location, grammarDir: location } : location;
    ready = load(where);
    // A failed load must not poison later attempts with a corrected location.
    ready.catch(() => (ready = undefined));
  }
  return ready.then(() => undefined);
}

async function load(where: PythonWasmLocation): Promise<Parser> {
  const runtime = join(where.runtimeDir, RUNTIME_WASM);
  const grammar = join(where.grammarDir, GRAMMAR_WASM);
  for (const file of [runtime, grammar]) {
    if (!existsSync(file))
      throw new Error(
        `python front end: ${file} not found (pass the folder holding ${RUNTIME_WASM} and ${GRAMMAR_WASM})`,
      );
  }
  await Parser.init({ locateFile: (name: string) => (name === RUNTIME_WASM ? runtime : join(where.runtimeDir, name)) });
  const language = await Language.load(grammar);
  const created = new Parser();
  created.setLanguage(language);
  parser = created;
  return created;
}

/** The loaded parser; throws if initPython has not finished (a programming error, not input). */
export function pythonParser(): Parser {
  if (!parser) throw new Error('python front end: call and await initPython() before analyzePython()');
  return parser;
}
