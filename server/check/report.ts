// The four ways `openrtc check` prints its findings. Pure: findings in, text out. Lines and
// columns are 1-based here (LSP's are 0-based); columns count UTF-16 code units, which is
// SARIF's default columnKind and what editors jump to. The text, json and github reports come
// as lines, put into pieces by inPieces: ten thousand findings made one 7 MB string (two-byte:
// chains hold '→') and a record object per finding, all alive until the write.
import { Buffer } from 'node:buffer';
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

/** Joins lines into pieces of about `size` characters, each whole lines without the last newline (io.out adds it). */
export function* inPieces(lines: Iterable<string>, size = 1 << 16): Generator<string> {
  let piece: string[] = [];
  let length = 0;
  for (const line of lines) {
    piece.push(line);
    length += line.length + 1;
    if (length >= size) {
      yield piece.join('\n');
      piece = [];
      length = 0;
    }
  }
  if (piece.length > 0) yield piece.join('\n');
}

/**
 * `s` as UTF-8 held in a one-byte string, one character per byte (latin1). Such strings join by
 * plain copying and become a Buffer by memcpy; a report holding '→' is otherwise a two-byte
 * string, joined at twice the size and transcoded to UTF-8 at the write (~40 % of a warm check).
 */
const asUtf8Bytes = (s: string): string => (/^[\x00-\x7f]*$/.test(s) ? s : Buffer.from(s, 'utf8').toString('latin1'));

/** JSON string literals as UTF-8 bytes (asUtf8Bytes), each worked out once: a report repeats the same few hundred. */
function quoter(): (s: string) => string {
  const known = new Map<string, string>();
  return (s) => {
    let q = known.get(s);
    if (q === undefined) known.set(s, (q = asUtf8Bytes(JSON.stringify(s))));
    return q;
  };
}

/**
 * The --json report, UTF-8, in pieces of ~`size` bytes of whole lines each ending in a newline:
 * exactly JSON.stringify(records, null, 2) + '\n', written a record at a time. A check runs this
 * loop once, mostly in V8's interpreter, so each record costs as few calls as it can: its file's
 * and strings' literals are looked up, not made (quoter), and no record object is built.
 */
export function* jsonReport(cwd: string, findings: readonly Finding[], size = 1 << 16): Generator<Buffer> {
  if (findings.length === 0) {
    yield Buffer.from('[]\n');
    return;
  }
  const q = quoter();
  const files = new Map<string, string>();
  let piece = Buffer.allocUnsafe(size);
  let used = piece.write('[\n', 0, 'latin1');
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i] as Finding;
    let file = files.get(f.path);
    if (file === undefined) files.set(f.path, (file = q(relativeFile(cwd, f.path))));
    const { start, end } = f.range;
    const record =
      `  {\n    "file": ${file},\n    "line": ${start.line + 1},\n    "column": ${start.character + 1},\n` +
      `    "endLine": ${end.line + 1},\n    "endColumn": ${end.character + 1},\n    "code": ${q(f.code)},\n` +
      `    "severity": "${f.severity}",\n    "message": ${q(f.message)},\n    "chain": ${q(f.chainText)}\n` +
      (i === findings.length - 1 ? '  }\n]\n' : '  },\n');
    if (used + record.length > piece.length) {
      yield piece.subarray(0, used);
      piece = Buffer.allocUnsafe(Math.max(size, record.length));
      used = 0;
    }
    used += piece.write(record, used, 'latin1');
  }
  yield piece.subarray(0, used);
}

export function* textLines(cwd: string, findings: readonly Finding[]): Generator<string> {
  const relative = relativeTo(cwd);
  const counts = new Map<ActiveSeverity, number>();
  for (const f of findings) {
    const j = toJsonFinding(relative, f);
    counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
    yield `${j.file}:${j.line}:${j.column}: ${j.severity} ${j.code} ${j.message}`;
  }
  const parts = (['error', 'warning', 'information', 'hint'] as const)
    .filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${s}`);
  yield findings.length === 0 ? 'no blocking calls found' : `${findings.length} found (${parts.join(', ')})`;
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

export function* githubLines(cwd: string, findings: readonly Finding[]): Generator<string> {
  const relative = relativeTo(cwd);
  for (const f of findings) {
    const j = toJsonFinding(relative, f);
    const props = [
      `file=${escapeProperty(j.file)}`,
      `line=${j.line}`,
      `col=${j.column}`,
      `endLine=${j.endLine}`,
      `endColumn=${j.endColumn}`,
      `title=${escapeProperty(`OpenRTC ${j.code}`)}`,
    ];
    yield `::${annotationLevel[j.severity]} ${props.join(',')}::${escapeData(j.message)}`;
  }
}
