// The Python front end: one file's text in, its FileSummary out (server/analysis/summary.ts).
// Call initPython() once first; analysis is then synchronous and never throws.
//
// Import callees name modules as written in Python: dotted (`pkg.helpers`) or relative with
// leading dots (`.helpers`, `..util`), and the name as the other module binds it at top level
// (`load`, or `Loader.load` for a method of a top-level class). exports lists the same names.
import type { Node } from 'web-tree-sitter';
import type { CallSite, FileSummary, FrontEndOptions, FunctionSummary, ReExport } from '../../analysis/summary';
import { ReparseCache } from '../reparse-cache';
import { CallPass } from './calls';
import { addedImportLine } from './fixes';
import { pythonParser } from './parser';
import { Resolver } from './resolve';
import { ScopeCollector } from './scope-collector';
import type { FileScopes, UnitRecord } from './scopes';
import { collectSuppressions, mayHoldSuppressions } from './suppressions';
import { TreeCache } from './incremental';
import { contextKeyOf, planUnits, recordOf, ReplayConflict, type FileMemo, type UnitPlan } from './unit-memo';

export { initPython, nodeModulesWasmLocation, type PythonWasmLocation } from './parser';

export interface PythonFrontEndOptions extends FrontEndOptions {
  /** Honour `# noqa` / `# noqa: ASYNCxxx` (settings: openrtc.diagnostics.honourNoqa). Default true. */
  honourNoqa?: boolean;
}

/** Text past this many characters is not analysed (bounded work on huge or generated files). */
export const MAX_ANALYZED_CHARS = 4_000_000;

/** Last tree per file, so re-analysis after an edit re-parses only the changed region. */
const trees = new TreeCache();
/** What each top-level def of a file being edited produced, so the next analysis replays the unchanged ones. */
const memos = new ReparseCache<FileMemo>(32);
/** Defs replayed from a memo so far (tests check the incremental path ran, not only that it agrees). */
export const memoStats = { replayedDefs: 0 };

const ORIGIN = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function analyzePython(path: string, text: string, options: PythonFrontEndOptions): FileSummary {
  try {
    return analyzePythonStrict(path, text, options);
  } catch {
    // A bug here must not take the server down; the fuzz tests call analyzePythonStrict to catch it.
    return {
      path,
      language: 'python',
      exports: {},
      reexports: [],
      suppressions: [],
      parseErrors: 1,
      functions: [{ id: '<module>', name: '<module>', range: ORIGIN, loopRoot: null, isAsync: false, calls: [] }],
    };
  }
}

/** analyzePython without the safety net, for tests that must see any exception. */
export function analyzePythonStrict(path: string, text: string, options: PythonFrontEndOptions): FileSummary {
  const truncated = text.length > MAX_ANALYZED_CHARS;
  const source = truncated ? text.slice(0, text.lastIndexOf('\n', MAX_ANALYZED_CHARS) + 1) : text;
  // A file parsed before is likely being edited: keep a memo of its defs (a one-off scan pays nothing).
  const edited = trees.has(path);
  // tree-sitter reads a NUL as the end of input; a space keeps every offset where it was.
  const tree = trees.parse(pythonParser(), path, source.includes('\0') ? source.replaceAll('\0', ' ') : source);
  if (!tree) throw new Error('python front end: parser returned no tree');
  const root = tree.rootNode;
  const wantComments = mayHoldSuppressions(source);
  const memo = memos.take(path)?.value;
  const keepMemo = edited && !root.hasError;
  let analysed: Analysed | null = null;
  if (keepMemo && memo !== undefined && memo.wantComments === wantComments) {
    try {
      analysed = analyse(root, source, wantComments, { memo });
    } catch (error) {
      if (!(error instanceof ReplayConflict)) throw error;
    }
  }
  analysed ??= analyse(root, source, wantComments, keepMemo ? { memo: null } : null);
  if (analysed === null) throw new Error('python front end: an analysis without a memo to replay came back empty');
  if (analysed.memo) memos.put(path, source, analysed.memo);
  memoStats.replayedDefs += analysed.file.replayed.length;
  const { file } = analysed;
  for (const fn of file.functions) if (fn.isAsync && fn.loopRoot === null) fn.loopRoot = 'async';
  if (options.moduleLevelIsLoop) file.module.loopRoot = 'module';
  return {
    path,
    language: 'python',
    functions: file.functions.map((f): FunctionSummary => ({
      id: f.id,
      name: f.name,
      range: f.range,
      loopRoot: f.loopRoot,
      isAsync: f.isAsync,
      calls: f.calls,
      ...(f.memoised ? { memoised: true } : {}),
    })),
    exports: moduleExports(file),
    reexports: moduleReexports(file),
    suppressions: collectSuppressions(file.comments, source, options.honourNoqa ?? true),
    parseErrors: file.parseErrors + (truncated ? 1 : 0) + (root.hasError && file.parseErrors === 0 ? 1 : 0),
  };
}

interface Analysed {
  file: FileScopes;
  memo: FileMemo | null;
}

/**
 * Passes 1 and 2. `memoing` null: no memo kept. With a memo, its defs whose text is unchanged
 * are replayed; null when the module around them changed (their analysis may differ: the caller
 * analyses in full). Either way a new memo is built for the next edit.
 */
function analyse(
  root: Node,
  source: string,
  wantComments: boolean,
  memoing: { memo: FileMemo | null } | null,
): Analysed | null {
  const memo = memoing?.memo ?? null;
  const plan = memoing ? planUnits(root, source, memo, wantComments) : null;
  const file = new ScopeCollector(root, ORIGIN, wantComments, memo ? plan : null).collect();
  const ctx = { root, text: source, file, resolver: new Resolver(file) };
  const pass = new CallPass(ctx);
  pass.run();
  mergeReplayedModuleCalls(file, pass.moduleCallPhaseEnd);
  if (!plan) return { file, memo: null };
  const contextKey = contextKeyOf(
    file,
    [wantComments, file.touchesSockets, pass.mentionsEntryKeyword, addedImportLine(ctx), pass.quietLocks],
    file.moduleClassIds,
  );
  if (memo && memo.contextKey !== contextKey) return null;
  return { file, memo: { contextKey, wantComments, units: unitRecords(plan, file, pass) } };
}

/** Replayed defs' decorator and default calls join the module's calls in text order, before its busy-waits. */
function mergeReplayedModuleCalls(file: FileScopes, callPhaseEnd: number): void {
  if (file.replayedModuleCalls.length === 0) return;
  const calls = file.module.calls;
  const before = (a: CallSite, b: CallSite): boolean =>
    a.range.start.line < b.range.start.line ||
    (a.range.start.line === b.range.start.line && a.range.start.character < b.range.start.character);
  const merged: CallSite[] = [];
  const fresh = calls.slice(0, callPhaseEnd);
  const replayed = file.replayedModuleCalls;
  let i = 0;
  let j = 0;
  while (i < fresh.length || j < replayed.length) {
    if (j >= replayed.length || (i < fresh.length && before(fresh[i] as CallSite, replayed[j] as CallSite)))
      merged.push(fresh[i++] as CallSite);
    else merged.push(replayed[j++] as CallSite);
  }
  file.module.calls = [...merged, ...calls.slice(callPhaseEnd)];
}

/**
 * The memo for the next edit. A replayed def keeps its record as it is: records hold the rows
 * they were made at, and a replay shifts from there. Fresh defs get new records.
 */
function unitRecords(plan: UnitPlan, file: FileScopes, pass: CallPass): Map<string, UnitRecord> {
  const units = new Map<string, UnitRecord>();
  const replayedAt = new Map(file.replayed.map((unit) => [unit.startIndex, unit.record]));
  const functionsAt = new Map<number, FileScopes['functions']>();
  // Fresh functions by the top-level def they sit in (defs and functions are both in text order).
  let d = 0;
  for (const fn of file.functions) {
    const at = fn.node?.startIndex;
    if (at === undefined) continue;
    while (d < plan.defs.length && (plan.defs[d]?.endIndex ?? 0) <= at) d++;
    const def = plan.defs[d];
    if (def === undefined || at < def.startIndex) continue;
    const list = functionsAt.get(def.startIndex) ?? [];
    list.push(fn);
    functionsAt.set(def.startIndex, list);
  }
  const marks = [...pass.marks, ...file.replayedMarks];
  const duplicates = new Set<string>();
  for (const def of plan.defs) {
    const record =
      replayedAt.get(def.startIndex) ??
      recordOf(
        def,
        functionsAt.get(def.startIndex) ?? [],
        pass.intrinsicRoots,
        file.module.calls,
        marks,
        file.comments,
      );
    if (record === null) continue;
    if (units.has(def.text)) duplicates.add(def.text);
    units.set(def.text, record);
  }
  for (const text of duplicates) units.delete(text); // the same def twice: its ids carry their line
  return units;
}

/** Module-level `from m import a as b`: importing `b` from this module (a package's `__init__.py`) gets m's `a`. */
function moduleReexports(file: FileScopes): ReExport[] {
  const reexports: ReExport[] = [];
  for (const [name, binding] of file.moduleScope.bindings) {
    if (binding.kind === 'from') reexports.push({ name, module: binding.module, importedName: binding.name });
  }
  return reexports;
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
