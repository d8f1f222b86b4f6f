// The cache's compact form of findings: every string (message, code, chain text, hop path,
// fix title) once in a table, and each file's findings one flat list of numbers pointing into
// it. A warm check reads every cached finding: as plain objects the same few hundred messages
// and paths were written and parsed ten thousand times (5.5 MB for the bench corpus, 0.7 MB so),
// and as nested arrays JSON.parse made ~40,000 small arrays that all lived until the report was
// out, which the young-generation collector copied again at every scavenge. One list a file is
// one array. Decoding checks every field (the file is outside input): one wrong field and the
// caller throws the whole file away. A decoded finding builds its chain hops and fixes only
// when they are read (`--fix`, SARIF): the json, text and github reports never need them.
import type { FixSuggestion, SourceRange, TextEdit } from '../analysis/summary';
import type { ActiveSeverity } from '../core/rule-book';
import type { ChainHop, Finding } from '../core/findings';

/*
 * One finding, in order:
 *   line, character, endLine, endCharacter, code, severity, message, blockingCode, chainText,
 *   hop count, then per hop: path, line, character, endLine, endCharacter, functionName, calls,
 *   fix count, then per fix: title, preferred (1 or 0), edit count,
 *     then per edit: line, character, endLine, endCharacter, newText.
 * Strings are indices into the document's table; severities index SEVERITIES.
 */
const HOP_FIELDS = 7;
const EDIT_FIELDS = 5;

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

const pushRange = (out: number[], r: SourceRange): void =>
  void out.push(r.start.line, r.start.character, r.end.line, r.end.character);

/** One file's findings as one flat list (the layout above). */
export function encodeFindings(findings: readonly Finding[], table: StringTable): number[] {
  const s = (x: string): number => table.id(x);
  const out: number[] = [];
  for (const f of findings) {
    pushRange(out, f.range);
    out.push(s(f.code), SEVERITIES.indexOf(f.severity), s(f.message), s(f.blockingCode), s(f.chainText));
    out.push(f.chain.length);
    for (const h of f.chain) {
      out.push(s(h.path));
      pushRange(out, h.range);
      out.push(s(h.functionName), s(h.calls));
    }
    out.push(f.fixes.length);
    for (const x of f.fixes) {
      out.push(s(x.title), x.preferred ? 1 : 0, x.edits.length);
      for (const e of x.edits) {
        pushRange(out, e.range);
        out.push(s(e.newText));
      }
    }
  }
  return out;
}

/** A malformed encoding; the caller discards the file that held it. */
export class MalformedFinding extends Error {}

/** One file's encoded list and the table it points into, both checked whole by FindingDecoder. */
class Checked {
  constructor(
    readonly list: readonly number[],
    readonly strings: readonly string[],
  ) {}

  range(at: number): SourceRange {
    const a = this.list;
    return {
      start: { line: a[at] as number, character: a[at + 1] as number },
      end: { line: a[at + 2] as number, character: a[at + 3] as number },
    };
  }

  string(at: number): string {
    return this.strings[this.list[at] as number] as string;
  }
}

/**
 * A finding read back from the cache: one object over the checked list (a warm check holds ten
 * thousand of these until the report is out, and each object more per finding is one more for
 * every scavenge to copy). Its fields are read from the list when asked; `chain` and `fixes`
 * are built on first read and kept. All but `path` are read-only accessors on the prototype: a
 * spread copy (`{ ...f }`) or JSON.stringify carries only `path`, so copy a finding field by field.
 */
class CachedFinding implements Finding {
  // #private: no part of the encoding shows among a finding's own fields.
  readonly #source: Checked;
  /** Where this finding starts in the list. */
  readonly #at: number;
  #hops: ChainHop[] | undefined;
  #fixes: FixSuggestion[] | undefined;

  constructor(
    readonly path: string,
    source: Checked,
    at: number,
  ) {
    this.#source = source;
    this.#at = at;
  }

  get range(): SourceRange {
    return this.#source.range(this.#at);
  }

  get code(): string {
    return this.#source.string(this.#at + 4);
  }

  get severity(): ActiveSeverity {
    return SEVERITIES[this.#source.list[this.#at + 5] as number] as ActiveSeverity;
  }

  get message(): string {
    return this.#source.string(this.#at + 6);
  }

  get blockingCode(): string {
    return this.#source.string(this.#at + 7);
  }

  get chainText(): string {
    return this.#source.string(this.#at + 8);
  }

  /** Where the hop count is in the list; the fix count follows the hops. */
  get #chainAt(): number {
    return this.#at + 9;
  }

  get chain(): ChainHop[] {
    if (this.#hops !== undefined) return this.#hops;
    const src = this.#source;
    const hops: ChainHop[] = [];
    const count = src.list[this.#chainAt] as number;
    for (let i = 0, at = this.#chainAt + 1; i < count; i++, at += HOP_FIELDS)
      hops.push({
        path: src.string(at),
        range: src.range(at + 1),
        functionName: src.string(at + 5),
        calls: src.string(at + 6),
      });
    return (this.#hops = hops);
  }

  get fixes(): FixSuggestion[] {
    if (this.#fixes !== undefined) return this.#fixes;
    const src = this.#source;
    let at = this.#chainAt + 1 + (src.list[this.#chainAt] as number) * HOP_FIELDS;
    const fixes: FixSuggestion[] = [];
    const count = src.list[at++] as number;
    for (let i = 0; i < count; i++) {
      const title = src.string(at);
      const preferred = src.list[at + 1] === 1;
      const editCount = src.list[at + 2] as number;
      at += 3;
      const edits: TextEdit[] = [];
      for (let j = 0; j < editCount; j++, at += EDIT_FIELDS)
        edits.push({ range: src.range(at), newText: src.string(at + 4) });
      fixes.push({ title, edits, preferred });
    }
    return (this.#fixes = fixes);
  }
}

/** Steps through an encoded list, checking each field as it goes. */
class Cursor {
  at = 0;

  constructor(
    private readonly list: readonly unknown[],
    private readonly tableSize: number,
  ) {}

  count(): number {
    const v = this.list[this.at];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new MalformedFinding(`not a count: ${String(v)}`);
    this.at++;
    return v;
  }

  string(): void {
    const i = this.count();
    if (i >= this.tableSize) throw new MalformedFinding(`no string ${i}`);
  }

  range(): void {
    for (let k = 0; k < 4; k++) this.count();
  }
}

const isStringList = (v: readonly unknown[]): v is readonly string[] => v.every((s) => typeof s === 'string');

/** Reads encoded findings back against one file's string table, checking each field. */
export class FindingDecoder {
  private readonly strings: readonly string[];

  /** Throws MalformedFinding unless every entry of the table is a string. */
  constructor(strings: readonly unknown[]) {
    if (!isStringList(strings)) throw new MalformedFinding('the string table holds a non-string');
    this.strings = strings;
  }

  /** The findings of the file at `path`; throws MalformedFinding on any field out of shape. */
  decode(path: string, items: unknown): Finding[] {
    if (!Array.isArray(items)) throw new MalformedFinding('findings are not a list');
    const list = items as unknown[];
    const c = new Cursor(list, this.strings.length);
    // Checked whole below before any field is read through it.
    const source = new Checked(list as number[], this.strings);
    const findings: Finding[] = [];
    while (c.at < list.length) {
      const start = c.at;
      c.range();
      c.string();
      const severity = SEVERITIES[c.count()];
      if (severity === undefined) throw new MalformedFinding(`severity ${String(list[c.at - 1])}`);
      c.string();
      c.string();
      c.string();
      for (let i = 0, hops = c.count(); i < hops; i++) {
        c.string();
        c.range();
        c.string();
        c.string();
      }
      for (let i = 0, fixes = c.count(); i < fixes; i++) {
        c.string();
        if (c.count() > 1) throw new MalformedFinding('preferred is neither 0 nor 1');
        for (let j = 0, edits = c.count(); j < edits; j++) {
          c.range();
          c.string();
        }
      }
      findings.push(new CachedFinding(path, source, start));
    }
    return findings;
  }
}
