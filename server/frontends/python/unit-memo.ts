// Re-analysing a long file after a one-line edit: most top-level `def`s are unchanged, and a
// def's findings depend only on its own text and on what the module around it binds. So the
// front end keeps, per file, what each top-level def produced (its functions and their calls,
// the calls its decorators and defaults make at module level, the loop roots its calls mark,
// its comments), keyed by the def's text, together with a key of the module's bindings. The
// next analysis replays a def whose text it has seen, shifted to its new line, instead of
// walking it; if the module's key changed, it analyses the whole file again.
import type { Node } from 'web-tree-sitter';
import type { CallSite, LoopRootKind, SourceRange } from '../../analysis/summary';
import { detachStrings } from '../detached';
import { shiftCalls, shiftRange } from '../shift';
import type {
  Binding,
  FileScopes,
  FunctionInfo,
  MemoFunction,
  ReplayUnit,
  RootMark,
  SourceComment,
  UnitRecord,
} from './scopes';

export interface FileMemo {
  contextKey: string;
  wantComments: boolean;
  /** Keyed by the def's text. */
  units: Map<string, UnitRecord>;
}

/** Top-level children that are fresh (analysed from the tree) and memo hits (replayed), in order. */
export interface UnitPlan {
  fresh: { startIndex: number; endIndex: number }[];
  replay: ReplayUnit[];
  /** Every top-level def with its text, replayed or not: the memo for the next edit is built from them. */
  defs: { text: string; startIndex: number; endIndex: number; startRow: number; endRow: number }[];
}

/** Two analyses disagree about a name the replay would bind (a duplicate def): analyse in full. */
export class ReplayConflict extends Error {}

export function shiftedFunction(fn: MemoFunction, rows: number, record: UnitRecord): MemoFunction {
  return { ...fn, range: shiftRange(fn.range, rows), calls: shiftCalls(fn.calls, rows, record) };
}

export function shiftedComments(comments: readonly SourceComment[], rows: number): SourceComment[] {
  return comments.map((c) => ({ ...c, line: c.line + rows }));
}

/**
 * What the module lets a def's body see: its bindings (values by their text), the classes
 * defined at module level, imported modules, where an added import goes, and the whole-text
 * switches the passes read. Equal keys: an unchanged def analyses to the same result.
 */
export function contextKeyOf(file: FileScopes, flags: readonly unknown[], moduleClassIds: ReadonlySet<string>): string {
  const bindings = [...file.moduleScope.bindings].map(([name, b]) => [name, bindingKey(b)]);
  bindings.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  const classes = [...file.classes.values()]
    .filter((c) => moduleClassIds.has(c.id))
    .map((c) => [
      c.id,
      [...c.methods],
      [...c.attributes].map(([name, values]) => [name, values === null ? null : values.map((v) => v.value.text)]),
    ]);
  return JSON.stringify([
    bindings,
    [...file.moduleScope.nonBlocking].sort(),
    classes,
    [...file.importedModules].sort(),
    flags,
  ]);
}

/** A binding as comparable data: syntax nodes by their text. */
function bindingKey(b: Binding): unknown {
  if (b.kind === 'value') return { kind: 'value', values: b.values.map((v) => v.text) };
  if (b.kind === 'element') return { kind: 'element', iterables: b.iterables.map((v) => v.text) };
  if (b.kind === 'annotated') return { kind: 'annotated', annotation: b.annotation.text };
  return b;
}

/** A def's record, from the functions created inside it and the module calls and marks within its span. */
export function recordOf(
  def: UnitPlan['defs'][number],
  functions: readonly FunctionInfo[],
  intrinsic: ReadonlyMap<FunctionInfo, LoopRootKind | null>,
  moduleCalls: readonly CallSite[],
  marks: readonly RootMark[],
  comments: readonly SourceComment[],
): UnitRecord | null {
  const top = functions[0];
  // The def itself comes first; a decorated class (`Cls.m`) or a lambda in a decorator does not qualify.
  if (top === undefined || top.isLambda || top.id.includes('.') || functions.some((f) => f.id.includes('@')))
    return null;
  const inRows = (range: SourceRange): boolean => range.start.line >= def.startRow && range.end.line <= def.endRow;
  return detachStrings({
    startRow: def.startRow,
    endRow: def.endRow,
    startIndex: def.startIndex,
    name: top.name,
    functionId: top.id,
    functions: functions.map((f) => ({
      id: f.id,
      name: f.name,
      range: f.range,
      isAsync: f.isAsync,
      isLambda: f.isLambda,
      intrinsicRoot: intrinsic.get(f) ?? null,
      calls: f.calls.slice(),
      memoised: f.memoised,
    })),
    moduleCalls: moduleCalls.filter((c) => inRows(c.range)),
    marks: marks
      .filter((m) => m.at >= def.startIndex && m.at < def.endIndex)
      .map((m) => ({ ...m, at: m.at - def.startIndex })),
    comments: comments.filter((c) => c.line >= def.startRow && c.line <= def.endRow),
  });
}

/**
 * Walks the module's top-level statements once: each top-level def is a memo hit to replay or
 * fresh; fresh statements are merged into ranges for the structure query (comments only when
 * they are wanted: nothing else in them is a structure node).
 */
export function planUnits(root: Node, text: string, memo: FileMemo | null, wantComments: boolean): UnitPlan {
  const plan: UnitPlan = { fresh: [], replay: [], defs: [] };
  let run: { startIndex: number; endIndex: number } | null = null;
  const cursor = root.walk();
  try {
    if (!cursor.gotoFirstChild()) return plan;
    do {
      const type = cursor.nodeType;
      const startIndex = cursor.startIndex;
      const endIndex = cursor.endIndex;
      if (type === 'function_definition' || type === 'decorated_definition') {
        const start = cursor.startPosition;
        const unitText = text.slice(startIndex, endIndex);
        plan.defs.push({ text: unitText, startIndex, endIndex, startRow: start.row, endRow: cursor.endPosition.row });
        const record = memo?.units.get(unitText);
        if (record !== undefined && start.column === 0) {
          if (run) plan.fresh.push(run);
          run = null;
          plan.replay.push({ record, startIndex, endIndex, startRow: start.row });
          continue;
        }
      } else if (type === 'comment' && !wantComments) {
        continue;
      }
      if (run) run.endIndex = endIndex;
      else run = { startIndex, endIndex };
    } while (cursor.gotoNextSibling());
  } finally {
    cursor.delete();
  }
  if (run) plan.fresh.push(run);
  return plan;
}
