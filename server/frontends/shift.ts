// Moving a replayed unit's products (statement-memo.ts, python/unit-memo.ts) to the rows the
// unit now starts on: an edit above it added or removed lines, its own text is unchanged.
import type { CallSite, SourceRange, TextEdit } from '../analysis/summary';

/** The rows a unit spanned when it was recorded. */
export interface RowSpan {
  startRow: number;
  endRow: number;
}

export function shiftRange(range: SourceRange, rows: number): SourceRange {
  return {
    start: { line: range.start.line + rows, character: range.start.character },
    end: { line: range.end.line + rows, character: range.end.character },
  };
}

/** Call sites moved by `rows`; a fix's edits move only when they sit inside the unit (an added import stays). */
export function shiftCalls(calls: readonly CallSite[], rows: number, span: RowSpan): CallSite[] {
  if (rows === 0) return calls.slice();
  const inside = (edit: TextEdit): boolean =>
    edit.range.start.line >= span.startRow && edit.range.end.line <= span.endRow;
  return calls.map((call) => {
    const callee = call.callee;
    const moved: CallSite = { range: shiftRange(call.range, rows), callee };
    if (callee.kind === 'blocking' && callee.fixes.length > 0) {
      moved.callee = {
        ...callee,
        fixes: callee.fixes.map((fix) => ({
          ...fix,
          edits: fix.edits.map((e) => (inside(e) ? { ...e, range: shiftRange(e.range, rows) } : e)),
        })),
      };
    }
    return moved;
  });
}
