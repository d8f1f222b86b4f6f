// Whether a finding on a line is suppressed by a comment the front end parsed:
// `// openrtc-ignore-next-line CODE`, `# openrtc: ignore[CODE]`, and (Python, when
// honourNoqa is on) `# noqa: ASYNCxxx` naming the ruff code the rule covers.
import type { FileSummary, Suppression } from '../analysis/summary';
import type { Rule } from '../rules/rule';

const ruffCodePattern = /^ASYNC\d+$/;
const byLineCache = new WeakMap<FileSummary, Map<number, Suppression[]>>();

function suppressionsOnLine(summary: FileSummary, line: number): Suppression[] {
  let byLine = byLineCache.get(summary);
  if (byLine === undefined) {
    byLine = new Map();
    for (const s of summary.suppressions) {
      const list = byLine.get(s.line);
      if (list === undefined) byLine.set(s.line, [s]);
      else list.push(s);
    }
    byLineCache.set(summary, byLine);
  }
  return byLine.get(line) ?? [];
}

export function isSuppressed(
  summary: FileSummary,
  line: number,
  code: string,
  rule: Rule | undefined,
  honourNoqa: boolean,
): boolean {
  for (const s of suppressionsOnLine(summary, line)) {
    if (s.codes.length === 0) return true;
    for (const c of s.codes) {
      if (c === code) return true;
      if (honourNoqa && ruffCodePattern.test(c) && rule?.ruffCodes?.includes(c) === true) return true;
    }
  }
  return false;
}
