// Suppression comments: `# openrtc: ignore[ORP101]` / `# openrtc: ignore` (on the line, or on
// its own line for the next code line) and ruff/flake8 `# noqa: ASYNC251` / bare `# noqa`
// (same line, as ruff reads them), mapped to our codes through each rule's ruffCodes.
import type { Suppression } from '../../analysis/summary';
import { codesForRuffCode } from '../../rules/python';
import type { SourceComment } from './scopes';

const OPENRTC_IGNORE = /#\s*openrtc:\s*ignore(?:\[([^\]]*)\])?/i;
const NOQA = /#\s*noqa(?::\s*([A-Za-z]+[0-9]+(?:\s*,\s*[A-Za-z]+[0-9]+)*))?/i;
const OUR_CODE = /^ORP\d+$/;

function splitCodes(list: string): string[] {
  return list
    .split(',')
    .map((c) => c.trim().toUpperCase())
    .filter((c) => c.length > 0);
}

/** The first line after `line` that holds code (not blank, not only a comment). */
function nextCodeLine(lines: string[], line: number): number {
  for (let i = line + 1; i < lines.length; i++) {
    const trimmed = (lines[i] ?? '').trim();
    if (trimmed !== '' && !trimmed.startsWith('#')) return i;
  }
  return line + 1;
}

/** Cheap pre-check: without these words no comment can suppress anything. */
export function mayHoldSuppressions(text: string): boolean {
  return /noqa|openrtc/i.test(text);
}

export function collectSuppressions(comments: SourceComment[], text: string, honourNoqa: boolean): Suppression[] {
  if (comments.length === 0) return [];
  const lines = text.split(/\r\n|\r|\n/);
  const result: Suppression[] = [];
  for (const comment of comments) {
    const { line, text: body } = comment;
    const ignore = OPENRTC_IGNORE.exec(body);
    if (ignore) {
      const standalone = (lines[line] ?? '').slice(0, comment.column).trim() === '';
      const codes = ignore[1] === undefined ? [] : splitCodes(ignore[1]);
      // `ignore[]` names no code: suppress nothing rather than everything.
      if (ignore[1] === undefined || codes.length > 0)
        result.push({ line: standalone ? nextCodeLine(lines, line) : line, codes });
    }
    const noqa = honourNoqa ? NOQA.exec(body) : null;
    if (noqa) {
      if (noqa[1] === undefined) {
        result.push({ line, codes: [] });
      } else {
        const codes = splitCodes(noqa[1]).flatMap((c) => (OUR_CODE.test(c) ? [c] : codesForRuffCode(c)));
        // `# noqa: E501` says nothing about our findings.
        if (codes.length > 0) result.push({ line, codes: [...new Set(codes)] });
      }
    }
  }
  return result;
}
