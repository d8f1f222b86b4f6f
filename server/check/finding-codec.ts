// The cache's compact form of findings: every string (message, code, chain text, hop path,
// fix title) once in a table, every finding an array of numbers pointing into it. A warm check
// reads every cached finding, and as plain objects the same few hundred messages and paths
// were written and parsed ten thousand times: 5.5 MB for the bench corpus, against 0.7 MB so.
// Decoding checks every field (the file is outside input): one wrong field and the caller
// throws the whole file away.
import type { FixSuggestion, SourceRange, TextEdit } from '../analysis/summary';
import type { ActiveSeverity } from '../core/rule-book';
import type { ChainHop, Finding } from '../core/findings';

/** [line, character, endLine, endCharacter] */
type EncodedRange = [number, number, number, number];
/** [path, ...range, functionName, calls] */
type EncodedHop = [number, number, number, number, number, number, number];
/** [...range, newText] */
type EncodedEdit = [number, number, number, number, number];
/** [title, preferred (1 or 0), edits] */
type EncodedFix = [number, number, EncodedEdit[]];
/** [...range, code, severity, message, blockingCode, chainText, chain, fixes] */
export type EncodedFinding = [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  EncodedHop[],
  EncodedFix[],
];

const SEVERITIES: readonly ActiveSeverity[] = ['error', 'warning', 'information', 'hint'];

/** The strings of one cache file, each stored once. */
export class StringTable {
  private readonly index = new Map<string, number>();
  readonly strings: string[] = [];

  id(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}

const encodeRange = (r: SourceRange): EncodedRange => [r.start.line, r.start.character, r.end.line, r.end.character];

export function encodeFinding(f: Finding, table: StringTable): EncodedFinding {
  const s = (x: string): number => table.id(x);
  return [
    ...encodeRange(f.range),
    s(f.code),
    SEVERITIES.indexOf(f.severity),
    s(f.message),
    s(f.blockingCode),
    s(f.chainText),
    f.chain.map((h): EncodedHop => [s(h.path), ...encodeRange(h.range), s(h.functionName), s(h.calls)]),
    f.fixes.map((x): EncodedFix => [
      s(x.title),
      x.preferred ? 1 : 0,
      x.edits.map((e): EncodedEdit => [...encodeRange(e.range), s(e.newText)]),
    ]),
  ];
}

/** A malformed encoding; the caller discards the file that held it. */
export class MalformedFinding extends Error {}

/** Reads encoded findings back against one file's string table, checking each field. */
export class FindingDecoder {
  constructor(private readonly strings: readonly unknown[]) {}

  /** The findings of the file at `path`; throws MalformedFinding on any field out of shape. */
  decode(path: string, items: unknown): Finding[] {
    return this.list(items, 'findings').map((item) => this.finding(path, item));
  }

  private finding(path: string, item: unknown): Finding {
    const a = this.tuple(item, 11, 'finding');
    const severity = SEVERITIES[this.count(a[5])];
    if (severity === undefined) throw new MalformedFinding(`severity ${String(a[5])}`);
    return {
      path,
      range: this.range(a, 0),
      code: this.string(a[4]),
      severity,
      message: this.string(a[6]),
      blockingCode: this.string(a[7]),
      chain: this.list(a[9], 'chain').map((h) => this.hop(h)),
      chainText: this.string(a[8]),
      fixes: this.list(a[10], 'fixes').map((x) => this.fix(x)),
    };
  }

  private hop(item: unknown): ChainHop {
    const h = this.tuple(item, 7, 'chain hop');
    return {
      path: this.string(h[0]),
      range: this.range(h, 1),
      functionName: this.string(h[5]),
      calls: this.string(h[6]),
    };
  }

  private fix(item: unknown): FixSuggestion {
    const x = this.tuple(item, 3, 'fix');
    const edits = this.list(x[2], 'edits').map((e): TextEdit => {
      const t = this.tuple(e, 5, 'edit');
      return { range: this.range(t, 0), newText: this.string(t[4]) };
    });
    return { title: this.string(x[0]), edits, preferred: this.count(x[1]) === 1 };
  }

  private range(a: readonly unknown[], at: number): SourceRange {
    return {
      start: { line: this.count(a[at]), character: this.count(a[at + 1]) },
      end: { line: this.count(a[at + 2]), character: this.count(a[at + 3]) },
    };
  }

  private string(v: unknown): string {
    const s = this.strings[this.count(v)];
    if (typeof s !== 'string') throw new MalformedFinding(`no string ${String(v)}`);
    return s;
  }

  private count(v: unknown): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new MalformedFinding(`not a count: ${String(v)}`);
    return v;
  }

  private tuple(v: unknown, length: number, what: string): unknown[] {
    if (!Array.isArray(v) || v.length !== length) throw new MalformedFinding(`${what} is not ${length} fields`);
    return v as unknown[];
  }

  private list(v: unknown, what: string): unknown[] {
    if (!Array.isArray(v)) throw new MalformedFinding(`${what} is not a list`);
    return v as unknown[];
  }
}
