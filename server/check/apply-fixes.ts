// `--fix`: the safe quick fixes only, those the front ends mark preferred (a mechanical rewrite
// that keeps behaviour, such as `time.sleep(x)` → `await asyncio.sleep(x)`). Suppression
// comments and offloads to a thread change behaviour or hide a finding, so they are never
// applied. Two fixes may add the same import: identical edits are made once. A fix whose edits
// would overlap another's waits for the next check. Pure: text in, text out.
import type { SourcePosition, TextEdit } from '../analysis/summary';
import type { Finding } from '../core/findings';

export interface FileFix {
  text: string;
  /** What was applied, one entry per fix: the code and the fix's title, with its 0-based line. */
  applied: { line: number; code: string; title: string }[];
}

function offsetOf(lineStarts: readonly number[], text: string, p: SourcePosition): number {
  const start = lineStarts[p.line];
  return start === undefined ? text.length : Math.min(start + p.character, text.length);
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

interface Span {
  from: number;
  to: number;
  newText: string;
}

const sameSpan = (a: Span, b: Span): boolean => a.from === b.from && a.to === b.to && a.newText === b.newText;
/** Insertions at one point conflict (their order would matter); otherwise ranges must not share a character. */
const clash = (a: Span, b: Span): boolean => (a.from === b.from ? true : a.from < b.to && b.from < a.to);

export function applySafeFixes(text: string, findings: readonly Finding[]): FileFix {
  const starts = lineStartsOf(text);
  const taken: Span[] = [];
  const applied: FileFix['applied'] = [];
  const ordered = [...findings].sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
  );
  for (const finding of ordered) {
    const fix = finding.fixes.find((f) => f.preferred);
    if (fix === undefined) continue;
    const spans = fix.edits.map((e: TextEdit) => ({
      from: offsetOf(starts, text, e.range.start),
      to: offsetOf(starts, text, e.range.end),
      newText: e.newText,
    }));
    const fresh = spans.filter((s) => !taken.some((t) => sameSpan(s, t)));
    if (fresh.some((s) => taken.some((t) => clash(s, t)))) continue;
    taken.push(...fresh);
    applied.push({ line: finding.range.start.line, code: finding.code, title: fix.title });
  }
  taken.sort((a, b) => b.from - a.from);
  let out = text;
  for (const span of taken) out = out.slice(0, span.from) + span.newText + out.slice(span.to);
  return { text: out, applied };
}
