// What pass 1 over a Python tree produces (see scope-collector.ts): functions, classes, and
// what each name is bound to in each scope, with the calls, `with` items and `while` loops
// queued for pass 2, which resolves them once every binding in the file is known.
import type { Node } from 'web-tree-sitter';
import type { CallSite, LoopRootKind, SourceRange } from '../../analysis/summary';
import type { Position } from './structure-query';

export type Binding =
  /** `import a.b as c` binds c to module a.b; `import a.b` binds a to module a. */
  | { kind: 'module'; module: string }
  /** `from m import n as a` binds a to m.n (m may be relative: `.helpers`). */
  | { kind: 'from'; module: string; name: string }
  | { kind: 'function'; functionId: string }
  | { kind: 'class'; classId: string }
  /** First parameter of a method: `self.m()` is a call to the class's own method. */
  | { kind: 'self'; classId: string }
  /** Assignments and `with ... as` targets; a type is inferred from these values on demand. */
  | { kind: 'value'; values: Node[] }
  /** `for x in it:` targets: x is an element of each iterable (`path.glob(...)` yields paths). */
  | { kind: 'element'; iterables: Node[] }
  /** A parameter with an annotation (`logs_dir: Path`): an instance of that type. */
  | { kind: 'annotated'; annotation: Node }
  /** `global x`: look the name up in the module scope. */
  | { kind: 'global' }
  /** Parameters without an annotation, unpacked targets, conflicting bindings: nothing is known. */
  | { kind: 'opaque' };

export interface Scope {
  kind: 'module' | 'function' | 'class';
  bindings: Map<string, Binding>;
  /** The scope names are looked up in next (class scopes are skipped by nested functions). */
  parent: Scope | null;
  /** Names whose object was switched to non-blocking mode here (`sock.setblocking(False)`). */
  nonBlocking: Set<string>;
}

export interface FunctionInfo {
  id: string;
  name: string;
  node: Node | null;
  range: SourceRange;
  isAsync: boolean;
  isLambda: boolean;
  loopRoot: LoopRootKind | null;
  scope: Scope;
  decorators: Node[];
  calls: CallSite[];
  /** Decorated with `functools.cache`/`lru_cache` (see FunctionSummary.memoised). */
  memoised: boolean;
}

export interface ClassInfo {
  id: string;
  methods: Map<string, string>;
  /** `self.x = value` anywhere in the class's methods; null once x is assigned something unknown. */
  attributes: Map<string, { value: Node; scope: Scope }[] | null>;
}

/** Work queued for pass 2, with the scope its names resolve in and the function it runs in. */
export interface Pending {
  kind: 'call' | 'with' | 'while';
  node: Node;
  scope: Scope;
  fn: FunctionInfo;
  /** Where the node sits (see structure-query.ts). Recorded up front because Node.parent
   *  re-walks from the root (quadratic on long files). */
  position: Position;
}

export interface FileScopes {
  module: FunctionInfo;
  moduleScope: Scope;
  functions: FunctionInfo[];
  functionsByNode: Map<number, FunctionInfo>;
  classes: Map<string, ClassInfo>;
  /** Every module named in an import statement (`a.b` for `import a.b`). */
  importedModules: Set<string>;
  pending: Pending[];
  /** Top-level import statements, for placing an added `import asyncio`. */
  topLevelImports: Node[];
  comments: SourceComment[];
  parseErrors: number;
  /** Classes defined at module level (not inside a function): part of what every def can see. */
  moduleClassIds: Set<string>;
  /** The text mentions `.setblocking`/`.settimeout`: pass 1 then tracks non-blocking sockets. */
  touchesSockets: boolean;
  /** Top-level defs taken from the memo (see unit-memo.ts). */
  replayed: ReplayUnit[];
  /** Loop roots the replayed defs' calls mark, and the module-level calls they make (decorators, defaults). */
  replayedMarks: RootMark[];
  replayedModuleCalls: CallSite[];
}

export interface SourceComment {
  line: number;
  column: number;
  text: string;
}

// The memo's records (unit-memo.ts) are declared here with the rest of pass 1's types, so the
// two modules do not import each other.
export interface MemoFunction {
  id: string;
  name: string;
  range: SourceRange;
  isAsync: boolean;
  isLambda: boolean;
  /** The root its decorators give it, before any call marks it. */
  intrinsicRoot: LoopRootKind | null;
  calls: CallSite[];
  memoised: boolean;
}

/** A loop root a call marks: `room.on("x", handler)`. `at` is the call's offset in the text. */
export interface RootMark {
  at: number;
  target: string;
  kind: LoopRootKind;
}

export interface UnitRecord {
  startRow: number;
  endRow: number;
  startIndex: number;
  /** The top-level def's name and id, bound in the module scope. */
  name: string;
  functionId: string;
  functions: MemoFunction[];
  /** Calls the def's decorators and parameter defaults make, which run at module level. */
  moduleCalls: CallSite[];
  marks: RootMark[];
  comments: SourceComment[];
}

/** A top-level def the new text still has, found in the memo, and where it now sits. */
export interface ReplayUnit {
  record: UnitRecord;
  startIndex: number;
  endIndex: number;
  startRow: number;
}
