// The four ways `openrtc check` prints its findings. Pure: findings in, text out. Lines and
// columns are 1-based here (LSP's are 0-based); columns count UTF-16 code units, which is
// SARIF's default columnKind and what editors jump to.
import * as path from 'node:path';
import type { Finding } from '../core/findings';
import type { ActiveSeverity } from '../core/rule-book';

/** One --json record, as ruff and eslint print theirs. */
export interface JsonFinding {
  /** Relative to the working directory, '/'-separated. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  code: string;
  severity: ActiveSeverity;
  message: string;
  /** 'entry → loadConfig() → fs.readFileSync': the loop function, the helpers, the blocking API. */
  chain: string;
}

export function relativeFile(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return (rel.startsWith('..') || path.isAbsolute(rel) ? file : rel).split(path.sep).join('/');
}

/** relativeFile for one cwd, each path worked out once (a report repeats each file's path for every finding in it). */
export function relativeTo(cwd: string): (file: string) => string {
  const known = new Map<string, string>();
  return (file) => {
    let rel = known.get(file);
    if (rel === undefined) known.set(file, (rel = relativeFile(cwd, file)));
    return rel;
  };
}

export function toJsonFinding(relative: (file: string) => string, finding: Finding): JsonFinding {
  const { start, end } = finding.range;
  return {
    file: relative(finding.path),
    line: start.line + 1,
    column: start.character + 1,
    endLine: end.line + 1,
    endColumn: end.character + 1,
    code: finding.code,
    severity: finding.severity,
    message: finding.message,
    chain: finding.chainText,
  };
}

export function formatJson(cwd: string, findings: readonly Finding[]): string {
  const relative = relativeTo(cwd);
  return JSON.stringify(
    findings.map((f) => toJsonFinding(relative, f)),
    null,
    2,
  );
}

export function formatText(cwd: string, findings: readonly Finding[]): string {
  const relative = relativeTo(cwd);
  const lines = findings.map((f) => {
    const j = toJsonFinding(relative, f);
    return `${j.file}:${j.line}:${j.column}: ${j.severity} ${j.code} ${j.message}`;
  });
  const count = (s: ActiveSeverity): number => findings.filter((f) => f.severity === s).length;
  const parts = (['error', 'warning', 'information', 'hint'] as const)
    .map((s) => [s, count(s)] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  lines.push(findings.length === 0 ? 'no blocking calls found' : `${findings.length} found (${parts.join(', ')})`);
  return lines.join('\n');
}

/** GitHub's workflow-command escaping: data escapes %, CR, LF; property values also ':' and ','. */
const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

const annotationLevel: Record<ActiveSeverity, string> = {
  error: 'error',
  warning: 'warning',
  information: 'notice',
  hint: 'notice',
};

export function formatGithub(cwd: string, findings: readonly Finding[]): string {
  const relative = relativeTo(cwd);
  return findings
    .map((f) => {
      const j = toJsonFinding(relative, f);
      const props = [
        `file=${escapeProperty(j.file)}`,
        `line=${j.line}`,
        `col=${j.column}`,
        `endLine=${j.endLine}`,
        `endColumn=${j.endColumn}`,
        `title=${escapeProperty(`OpenRTC ${j.code}`)}`,
      ];
      return `::${annotationLevel[j.severity]} ${props.join(',')}::${escapeData(j.message)}`;
    })
    .join('\n');
}
