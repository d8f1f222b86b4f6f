// The json, text and github reports of `openrtc check` (SARIF is sarif.ts). Pure: findings in,
// UTF-8 bytes out, in pieces of whole lines. Lines and columns are 1-based here (LSP's are
// 0-based); columns count UTF-16 code units, which is SARIF's default columnKind and what
// editors jump to.
// A warm check prints ten thousand findings that share a few hundred files and messages, so a
// record is bytes copied, not a string made: the parts fixed by its file (head) and by its
// code and message (tail) are encoded once each and copied in, and only its numbers are
// written anew. Making each record a string allocated three times the report's size, most of
// a warm check's garbage.
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
  // A file under cwd is the rest of its path (path.relative per file cost a warm report ~5 ms).
  if (path.sep === '/' && file.startsWith(cwd) && file[cwd.length] === '/' && cwd.length > 1)
    return file.slice(cwd.length + 1);
  const rel = path.relative(cwd, file);
  return (rel.startsWith('..') || path.isAbsolute(rel) ? file : rel).split(path.sep).join('/');
}

export function toJsonFinding(cwd: string, finding: Finding): JsonFinding {
  const { start, end } = finding.range;
  return {
    file: relativeFile(cwd, finding.path),
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

/** The most bytes a record's number takes (lines and columns are below 2^53). */
const MAX_NUMBER_BYTES = 16;

/** Bytes gathered into pieces of about `size`, each ending where a record ended. */
class PieceWriter {
  private piece: Buffer;
  private used = 0;
  private readonly full: Buffer[] = [];

  constructor(private readonly size: number) {
    this.piece = Buffer.allocUnsafe(size);
  }

  /** Room for a record of at most `bytes`: a piece it would not fit in is put aside first. */
  room(bytes: number): void {
    if (this.used + bytes <= this.piece.length) return;
    if (this.used > 0) this.full.push(this.piece.subarray(0, this.used));
    this.piece = Buffer.allocUnsafe(Math.max(this.size, bytes));
    this.used = 0;
  }

  bytes(b: Uint8Array): void {
    this.piece.set(b, this.used);
    this.used += b.length;
  }

  /** A non-negative integer's decimal digits. */
  number(n: number): void {
    let digits = 1;
    for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    for (let at = this.used + digits - 1, rest = n; at >= this.used; at--, rest = Math.floor(rest / 10))
      this.piece[at] = 0x30 + (rest % 10);
    this.used += digits;
  }

  get hasFull(): boolean {
    return this.full.length > 0;
  }

  /** The pieces put aside since the last call. */
  takeFull(): Buffer[] {
    return this.full.splice(0);
  }

  /** Everything not yet taken. */
  takeAll(): Buffer[] {
    const rest = this.takeFull();
    if (this.used > 0) rest.push(this.piece.subarray(0, this.used));
    this.used = 0;
    return rest;
  }
}

type Level<T> = Map<string, T>;

/** Encoded bytes per tuple of up to four strings, made once; nested maps, so a lookup builds no key. */
class BytesMemo {
  private readonly root: Level<Level<Level<Level<Buffer>>>> = new Map();

  constructor(private readonly make: (a: string, b: string, c: string, d: string) => string) {}

  get(a: string, b = '', c = '', d = ''): Buffer {
    const byB = this.root.get(a) ?? setAndReturn(this.root, a, new Map<string, Level<Level<Buffer>>>());
    const byC = byB.get(b) ?? setAndReturn(byB, b, new Map<string, Level<Buffer>>());
    const byD = byC.get(c) ?? setAndReturn(byC, c, new Map<string, Buffer>());
    return byD.get(d) ?? setAndReturn(byD, d, Buffer.from(this.make(a, b, c, d), 'utf8'));
  }
}

function setAndReturn<T>(map: Level<T>, key: string, value: T): T {
  map.set(key, value);
  return value;
}

/**
 * A report whose every record is: head, its numbers with a separator between each two, then
 * tail (the rest of the record and what comes before the next one; the last record's ends the
 * report). Its numbers: line, column, endLine, endColumn, 1-based, one more than separators.
 */
interface RecordLayout {
  head(f: Finding): Buffer;
  separators: readonly Buffer[];
  tail(f: Finding): Buffer;
  lastTail(f: Finding): Buffer;
  /** What is written before the first record, and instead of any when there is none. */
  opening: Buffer;
  empty: Buffer;
}

function* records(findings: readonly Finding[], layout: RecordLayout, size: number): Generator<Buffer> {
  if (findings.length === 0) {
    if (layout.empty.length > 0) yield layout.empty;
    return;
  }
  const out = new PieceWriter(size);
  const { separators } = layout;
  let fixed = MAX_NUMBER_BYTES;
  for (const s of separators) fixed += s.length + MAX_NUMBER_BYTES;
  out.room(layout.opening.length);
  out.bytes(layout.opening);
  const last = findings.length - 1;
  for (let i = 0; i <= last; i++) {
    const f = findings[i] as Finding;
    const head = layout.head(f);
    const tail = i === last ? layout.lastTail(f) : layout.tail(f);
    const { start, end } = f.range;
    out.room(head.length + tail.length + fixed);
    out.bytes(head);
    out.number(start.line + 1);
    for (let k = 0; k < separators.length; k++) {
      out.bytes(separators[k] as Buffer);
      out.number((k === 0 ? start.character : k === 1 ? end.line : end.character) + 1);
    }
    out.bytes(tail);
    if (out.hasFull) yield* out.takeFull();
  }
  yield* out.takeAll();
}

const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');
const DEFAULT_PIECE = 1 << 16;

/** Each file's path relative to `cwd`, worked out once. */
function relativeTo(cwd: string): (file: string) => string {
  const known = new Map<string, string>();
  return (file) => {
    let rel = known.get(file);
    if (rel === undefined) known.set(file, (rel = relativeFile(cwd, file)));
    return rel;
  };
}

/** The --json report: exactly JSON.stringify(records, null, 2) + '\n'. */
export function jsonReport(cwd: string, findings: readonly Finding[], size = DEFAULT_PIECE): Iterable<Buffer> {
  const q = JSON.stringify;
  const heads = new BytesMemo((file) => `  {\n    "file": ${q(relativeFile(cwd, file))},\n    "line": `);
  const rest = (code: string, severity: string, message: string, chain: string): string =>
    `,\n    "code": ${q(code)},\n    "severity": ${q(severity)},\n    "message": ${q(message)},\n` +
    `    "chain": ${q(chain)}\n  }`;
  const tails = new BytesMemo((code, severity, message, chain) => `${rest(code, severity, message, chain)},\n`);
  return records(
    findings,
    {
      head: (f) => heads.get(f.path),
      separators: [bytes(',\n    "column": '), bytes(',\n    "endLine": '), bytes(',\n    "endColumn": ')],
      tail: (f) => tails.get(f.code, f.severity, f.message, f.chainText),
      lastTail: (f) => bytes(`${rest(f.code, f.severity, f.message, f.chainText)}\n]\n`),
      opening: bytes('[\n'),
      empty: bytes('[]\n'),
    },
    size,
  );
}

function severityCounts(findings: readonly Finding[]): string {
  const counts = new Map<ActiveSeverity, number>();
  for (const f of findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  const parts = (['error', 'warning', 'information', 'hint'] as const)
    .filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${s}`);
  return `${findings.length} found (${parts.join(', ')})`;
}

/** The text report: `file:line:column: severity code message` a finding, then the count. */
export function textReport(cwd: string, findings: readonly Finding[], size = DEFAULT_PIECE): Iterable<Buffer> {
  const relative = relativeTo(cwd);
  const heads = new BytesMemo((file) => `${relative(file)}:`);
  const tails = new BytesMemo((severity, code, message) => `: ${severity} ${code} ${message}\n`);
  const tail = (f: Finding): Buffer => tails.get(f.severity, f.code, f.message);
  return records(
    findings,
    {
      head: (f) => heads.get(f.path),
      separators: [bytes(':')],
      tail,
      lastTail: (f) => Buffer.concat([tail(f), bytes(`${severityCounts(findings)}\n`)]),
      opening: bytes(''),
      empty: bytes('no blocking calls found\n'),
    },
    size,
  );
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

/** The github report: one workflow annotation a finding (nothing at all when there is none). */
export function githubReport(cwd: string, findings: readonly Finding[], size = DEFAULT_PIECE): Iterable<Buffer> {
  const relative = relativeTo(cwd);
  const heads = new BytesMemo(
    (severity, file) => `::${annotationLevel[severity as ActiveSeverity]} file=${escapeProperty(relative(file))},line=`,
  );
  const tails = new BytesMemo(
    (code, message) => `,title=${escapeProperty(`OpenRTC ${code}`)}::${escapeData(message)}\n`,
  );
  const tail = (f: Finding): Buffer => tails.get(f.code, f.message);
  return records(
    findings,
    {
      head: (f) => heads.get(f.severity, f.path),
      separators: [bytes(',col='), bytes(',endLine='), bytes(',endColumn=')],
      tail,
      lastTail: tail,
      opening: bytes(''),
      empty: bytes(''),
    },
    size,
  );
}
