// The Python front end: one file's text in, its FileSummary out (server/analysis/summary.ts).
// Call initPython() once first; analysis is then synchronous and never throws.
//
// Import callees name modules as written in Python: dotted (`pkg.helpers`) or relative with
// leading dots (`.helpers`, `..util`), and the name as the other module binds it at top level
// (`load`, or `Loader.load` for a method of a top-level class). exports lists the same names.
import type { FileSummary, FrontEndOptions, FunctionSummary } from '../../analysis/summary';
import { CallPass } from './calls';
import { pythonParser } from './parser';
import { Resolver } from './resolve';
import { collectScopes, type FileScopes } from './scopes';
import { collectSuppressions, mayHoldSuppressions } from './suppressions';
import { TreeCache } from './incremental';

export { initPython, nodeModulesWasmLocation, type PythonWasmLocation } from './parser';

export interface PythonFrontEndOptions extends FrontEndOptions {
  /** Honour `# noqa` / `# noqa: ASYNCxxx` (settings: openrtc.diagnostics.honourNoqa). Default true. */
  honourNoqa?: boolean;
}

/** Text past this many characters is not analysed (bounded work on huge or generated files). */
export const MAX_ANALYZED_CHARS = 4_000_000;

/** Last tree per file, so re-analysis after an edit re-parses only the changed region. */
const trees = new TreeCache();

const ORIGIN = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function analyzePython(path: string, text: string, options: PythonFrontEndOptions): FileSummary {
  try {
    return analyzePythonStrict(path, text, options);
  } catch {
    // A bug here must not take the server down; the fuzz tests call analyzePythonStrict to catch it.
    return {
      path, language: 'python', exports: {}, suppressions: [], parseErrors: 1,
      functions: [{ id: '<module>', name: '<module>', range: ORIGIN, loopRoot: null, isAsync: false, calls: [] }],
    };
  }
}

/** analyzePython without the safety net, for tests that must see any exception. */
export function analyzePythonStrict(path: string, text: string, options: PythonFrontEndOptions): FileSummary {
  const truncated = text.length > MAX_ANALYZED_CHARS;
  const source = truncated ? text.slice(0, text.lastIndexOf('\n', MAX_ANALYZED_CHARS) + 1) : text;
  // tree-sitter reads a NUL as the end of input; a space keeps every offset where it was.
  const tree = trees.parse(pythonParser(), path, source.includes('\0') ? source.replaceAll('\0', ' ') : source);
  if (!tree) throw new Error('python front end: parser returned no tree');
  const root = tree.rootNode;
  const file = collectScopes(root, ORIGIN, mayHoldSuppressions(source));
  const resolver = new Resolver(file);
  new CallPass({ root, text: source, file, resolver }).run();
  for (const fn of file.functions) if (fn.isAsync && fn.loopRoot === null) fn.loopRoot = 'async';
  if (options.moduleLevelIsLoop) file.module.loopRoot = 'module';
  return {
    path,
    language: 'python',
    functions: file.functions.map(
      (f): FunctionSummary => ({ id: f.id, name: f.name, range: f.range, loopRoot: f.loopRoot, isAsync: f.isAsync, calls: f.calls }),
    ),
    exports: moduleExports(file),
    suppressions: collectSuppressions(file.comments, source, options.honourNoqa ?? true),
    parseErrors: file.parseErrors + (truncated ? 1 : 0) + (root.hasError && file.parseErrors === 0 ? 1 : 0),
  };
}

/** Top-level defs, methods of top-level classes as `Class.method`, and `Class` → its `__init__`. */
function moduleExports(file: FileScopes): Record<string, string> {
  const exports: Record<string, string> = {};
  for (const [name, binding] of file.moduleScope.bindings) {
    if (binding.kind === 'function') exports[name] = binding.functionId;
    if (binding.kind !== 'class') continue;
    const methods = file.classes.get(binding.classId)?.methods ?? new Map<string, string>();
    for (const [method, id] of methods) exports[`${name}.${method}`] = id;
    const init = methods.get('__init__');
    if (init) exports[name] = init;
  }
  return exports;
}

