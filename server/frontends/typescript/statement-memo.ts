// Re-analysing a long file after an edit: most top-level statements are unchanged, and what a
// statement contributes to the summary depends only on its own text, its anchor (the name its
// functions' ids are made from, function-ids.ts) and what the module scope binds. So the front
// end keeps, per edited file, what each top-level statement produced: the functions created in
// it, the calls it makes at module level, the functions its calls register with the loop. The
// next analysis replays a statement whose text and anchor it has seen, moved to the line it now
// starts on, instead of walking it, provided the module's context key is unchanged; otherwise
// it walks the whole file.
import ts = require('typescript');
import type { CallSite, FunctionSummary, SourcePosition } from '../../analysis/summary';
import { detachStrings } from '../detached';
import { type RowSpan, shiftCalls, shiftRange } from '../shift';
import type { Binding } from './bindings';
import type { FunctionIds } from './function-ids';
import type { Registration } from './registrations';

export interface StatementRecord extends RowSpan {
  anchor: string;
  character: number;
  /** Its functions as they stood after its walk (before other statements' registrations apply). */
  functions: readonly FunctionSummary[];
  moduleCalls: readonly CallSite[];
  /** Functions it hands to the loop by name, in the order the walk met them (the first one for a function wins). */
  registrations: readonly Registration[];
}

/** What one statement adds to the summary. */
export type StatementProducts = Pick<StatementRecord, 'functions' | 'moduleCalls' | 'registrations'>;

/** The analyzer's side of a memo walk. */
export interface StatementWalker {
  /** Walks a statement; returns what it added (functions as copies, see copiedFunctions). */
  walk(statement: ts.Statement): StatementProducts;
  /** Adds what a replayed statement produced. */
  add(products: StatementProducts): void;
}

export interface StatementMemo {
  contextKey: string;
  /** By the statement's text, from its first token to its end (keys are slices of this version's text only). */
  byText: Map<string, StatementRecord>;
}

/** Counts for tests: how many statements were replayed rather than walked. */
export const memoStats = { replayedStatements: 0 };

/**
 * What the module lets a statement see: every module-level binding (function bindings carry
 * ids, which name statements, not lines), where an added import goes, and the module-level switch.
 */
export function contextKeyOf(
  moduleScope: ReadonlyMap<string, Binding>,
  importInsertAt: SourcePosition | undefined,
  moduleLevelIsLoop: boolean,
): string {
  const bindings = [...moduleScope].map(([name, binding]) => [
    name,
    binding.kind === 'methods' ? { ...binding, methods: [...binding.methods] } : binding,
  ]);
  return JSON.stringify([bindings, importInsertAt ?? null, moduleLevelIsLoop]);
}

/**
 * Each top-level statement replayed from `previous` if it holds the same text with the same
 * anchor at the same column (moved to its line), else walked; returns the memo for the next edit.
 */
export function walkWithMemo(
  file: ts.SourceFile,
  ids: FunctionIds,
  contextKey: string,
  previous: StatementMemo | null,
  walker: StatementWalker,
): StatementMemo {
  const usable = previous?.contextKey === contextKey ? previous : null;
  const next: StatementMemo = { contextKey, byText: new Map() };
  file.statements.forEach((statement, index) => {
    const startOffset = ids.statementStart(index);
    const anchor = ids.anchors[index] ?? '';
    const start = file.getLineAndCharacterOfPosition(startOffset);
    const text = file.text.slice(startOffset, statement.end);
    let record = usable?.byText.get(text);
    if (record !== undefined && record.anchor === anchor && record.character === start.character) {
      walker.add(replayedProducts(record, start.line));
      memoStats.replayedStatements++;
    } else {
      const endRow = file.getLineAndCharacterOfPosition(statement.end).line;
      record = detachStrings({
        anchor,
        character: start.character,
        startRow: start.line,
        endRow,
        ...walker.walk(statement),
      });
    }
    next.byText.set(text, record);
  });
  return next;
}

/** Copies of functions, so a later registration marking one as a root does not reach the record. */
export function copiedFunctions(functions: readonly FunctionSummary[]): FunctionSummary[] {
  return functions.map((fn) => ({ ...fn }));
}

/**
 * A record's products, moved from the row it was recorded at to `startRow`. Records keep the
 * rows they were made at; every replay shifts from there.
 */
function replayedProducts(record: StatementRecord, startRow: number): StatementProducts {
  const rows = startRow - record.startRow;
  if (rows === 0)
    return {
      functions: copiedFunctions(record.functions),
      moduleCalls: record.moduleCalls,
      registrations: record.registrations,
    };
  return {
    functions: record.functions.map((fn) => ({
      ...fn,
      range: shiftRange(fn.range, rows),
      calls: shiftCalls(fn.calls, rows, record),
    })),
    moduleCalls: shiftCalls(record.moduleCalls, rows, record),
    registrations: record.registrations,
  };
}
