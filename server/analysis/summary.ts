// What a language front end (TypeScript/JavaScript via the compiler API, Python via
// tree-sitter) extracts from one file. The language-agnostic core joins summaries across
// files, decides which sync helpers block (transitively), and turns loop-reachable call
// sites into diagnostics with the helper chain. Front ends are pure: text in, summary out.

export type Language = 'python' | 'typescript' | 'javascript';

/** 0-based line and UTF-16 character, as LSP. */
export interface SourcePosition {
  line: number;
  character: number;
}
export interface SourceRange {
  start: SourcePosition;
  end: SourcePosition;
}

export interface TextEdit {
  range: SourceRange;
  newText: string;
}
export interface FixSuggestion {
  title: string;
  edits: TextEdit[];
  /** A mechanical rewrite that keeps behaviour (shown first, marked preferred). */
  preferred: boolean;
}

/** Why the event loop runs this function. null: only if something on the loop calls it. */
export type LoopRootKind =
  | 'async' // async def / async function
  | 'event-handler' // x.on('evt', fn), @room.on("evt")
  | 'timer' // setTimeout/setInterval/setImmediate callbacks, loop.call_later
  | 'then' // promise .then/.catch/.finally callbacks
  | 'microtask' // queueMicrotask, process.nextTick
  | 'entry' // an agent's entry (defineAgent({ entry }))
  | 'module'; // module top level, only when the setting asks for it

export type Callee =
  /** A catalogue hit: this call blocks the loop by itself. */
  | { kind: 'blocking'; code: string; api: string; fixes: FixSuggestion[] }
  /** A function defined in the same file (see FunctionSummary.id). */
  | { kind: 'local'; functionId: string; offloadFixes?: FixSuggestion[] }
  /** A name imported from another module: specifier as written, exported name ('default' for a default export). */
  | { kind: 'import'; module: string; name: string; offloadFixes?: FixSuggestion[] };
// offloadFixes (optional): rewrites that move the helper call off the loop (e.g. `await
// asyncio.to_thread(helper, ...)`); the core offers them only when the helper turns out to block.

export interface CallSite {
  range: SourceRange;
  callee: Callee;
}

export interface FunctionSummary {
  /** Unique within the file. '<module>' is the module top level. */
  id: string;
  /** Display name for chains: 'entry', 'loadConfig', '<anonymous>'. */
  name: string;
  /** Where to point relatedInformation for this function (its name, or its header). */
  range: SourceRange;
  loopRoot: LoopRootKind | null;
  isAsync: boolean;
  calls: CallSite[];
  /** Memoised (`@functools.cache`, `@lru_cache`): its body runs once per distinct argument, so a
   *  blocking call in it is paid once, not at every call. */
  memoised?: boolean;
}

/** `// openrtc-ignore-next-line CODE`, `# openrtc: ignore[CODE]`, `# noqa: ASYNC251`. Codes empty = all. */
export interface Suppression {
  /** 0-based line whose findings are suppressed. */
  line: number;
  codes: string[];
}

export interface FileSummary {
  /** Absolute file path. */
  path: string;
  language: Language;
  functions: FunctionSummary[];
  /** Exported (TS/JS) or module-level (Python) name → FunctionSummary.id. */
  exports: Record<string, string>;
  /** Names this file passes on from other modules (a barrel file, a package's `__init__.py`). */
  reexports: ReExport[];
  suppressions: Suppression[];
  /** Syntax errors seen; analysis still returns what it could find. */
  parseErrors: number;
}

/**
 * `export { a as b } from './m'` (TS/JS) or a module-level `from .m import a as b` (Python):
 * this file's `b` is module `./m`'s `a`. `export * from './m'` has name and importedName '*'.
 */
export interface ReExport {
  name: string;
  module: string;
  importedName: string;
}

/** Options every front end honours. */
export interface FrontEndOptions {
  /** Treat module top-level code as loop code (default false: it is start-up). */
  moduleLevelIsLoop: boolean;
}
