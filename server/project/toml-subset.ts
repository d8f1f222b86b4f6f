// A small TOML reader for pyproject.toml, enough for the tables that say where Python packages
// live: tables and arrays of tables, dotted and quoted keys, basic and literal strings (single
// and multi-line), numbers, booleans, dates (kept as text), arrays and inline tables. It is
// the fallback for a well-kept parser (smol-toml) the project does not depend on yet: swapping
// it is one import in python-roots.ts. Errors name the line, as any outside input must.

export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

export class TomlError extends Error {}

const isTable = (v: TomlValue | undefined): v is TomlTable => typeof v === 'object' && v !== null && !Array.isArray(v);

class Reader {
  private i = 0;
  constructor(private readonly text: string) {}

  get done(): boolean {
    return this.i >= this.text.length;
  }

  fail(why: string): never {
    const line = this.text.slice(0, this.i).split('\n').length;
    throw new TomlError(`line ${line}: ${why}`);
  }

  peek(n = 0): string {
    return this.text[this.i + n] ?? '';
  }

  startsWith(s: string): boolean {
    return this.text.startsWith(s, this.i);
  }

  /** Spaces and tabs; with `lines`, also newlines and comments (inside arrays). */
  skip(lines: boolean): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || (lines && (c === '\n' || c === '\r'))) this.i++;
      else if (c === '#') while (!this.done && this.peek() !== '\n') this.i++;
      else return;
    }
  }

  expect(s: string): void {
    if (!this.startsWith(s)) this.fail(`expected ${JSON.stringify(s)}`);
    this.i += s.length;
  }

  endOfLine(): void {
    this.skip(false);
    if (this.peek() === '\r') this.i++;
    if (!this.done && this.peek() !== '\n') this.fail(`unexpected ${JSON.stringify(this.peek())} after a value`);
    this.i++;
  }

  key(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skip(false);
      const c = this.peek();
      if (c === '"' || c === "'") parts.push(this.string());
      else {
        const m = /^[A-Za-z0-9_-]+/.exec(this.text.slice(this.i, this.i + 256));
        if (m === null) this.fail('expected a key');
        parts.push(m[0]);
        this.i += m[0].length;
      }
      this.skip(false);
      if (this.peek() !== '.') return parts;
      this.i++;
    }
  }

  string(): string {
    const quote = this.peek();
    const triple = this.startsWith(quote.repeat(3));
    const delimiter = triple ? quote.repeat(3) : quote;
    this.i += delimiter.length;
    if (triple && this.peek() === '\n') this.i++; // a newline right after the opening quotes is not part of it
    let out = '';
    for (;;) {
      if (this.done) this.fail('unterminated string');
      if (this.startsWith(delimiter)) {
        this.i += delimiter.length;
        return out;
      }
      const c = this.peek();
      if (c === '\n' && !triple) this.fail('newline in a string');
      if (c === '\\' && quote === '"') {
        out += this.escape();
        continue;
      }
      out += c;
      this.i++;
    }
  }

  private escape(): string {
    const c = this.peek(1);
    this.i += 2;
    const simple: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' };
    if (c in simple) return simple[c] as string;
    if (c === 'u' || c === 'U') {
      const len = c === 'u' ? 4 : 8;
      const hex = this.text.slice(this.i, this.i + len);
      if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== len) this.fail('bad unicode escape');
      this.i += len;
      return String.fromCodePoint(parseInt(hex, 16));
    }
    if (c === '\n' || c === ' ' || c === '\r') {
      while (/[\s]/.test(this.peek())) this.i++; // line-ending backslash: trims the following whitespace
      return '';
    }
    return this.fail(`bad escape \\${c}`);
  }

  value(): TomlValue {
    this.skip(false);
    const c = this.peek();
    if (c === '"' || c === "'") return this.string();
    if (c === '[') return this.array();
    if (c === '{') return this.inlineTable();
    const m = /^[^\s,\]}#]+/.exec(this.text.slice(this.i, this.i + 256));
    if (m === null) return this.fail('expected a value');
    this.i += m[0].length;
    const word = m[0];
    if (word === 'true' || word === 'false') return word === 'true';
    const n = Number(word.replace(/_/g, ''));
    if (/^[+-]?(\d|inf|nan|0x|0o|0b)/.test(word) && !Number.isNaN(n)) return n;
    if (/^\d{4}-\d{2}-\d{2}|^\d{2}:\d{2}/.test(word)) {
      // A date-time may hold one space before its time part.
      const time = /^ \d{2}:\d{2}[^\s,\]}#]*/.exec(this.text.slice(this.i, this.i + 64));
      if (time !== null) this.i += time[0].length;
      return word + (time?.[0] ?? '');
    }
    return this.fail(`bad value ${JSON.stringify(word)}`);
  }

  private array(): TomlValue[] {
    this.expect('[');
    const out: TomlValue[] = [];
    for (;;) {
      this.skip(true);
      if (this.peek() === ']') break;
      out.push(this.value());
      this.skip(true);
      if (this.peek() === ',') this.i++;
      else if (this.peek() !== ']') this.fail('expected "," or "]" in an array');
    }
    this.i++;
    return out;
  }

  private inlineTable(): TomlTable {
    this.expect('{');
    const table: TomlTable = {};
    this.skip(false);
    if (this.peek() === '}') {
      this.i++;
      return table;
    }
    for (;;) {
      const key = this.key();
      this.expect('=');
      assign(table, key, this.value(), this);
      this.skip(false);
      if (this.peek() === '}') break;
      this.expect(',');
    }
    this.i++;
    return table;
  }
}

function assign(table: TomlTable, key: readonly string[], value: TomlValue, at: Reader): void {
  const last = key[key.length - 1] as string;
  const parent = descend(table, key.slice(0, -1), at);
  if (Object.prototype.hasOwnProperty.call(parent, last)) at.fail(`key ${key.join('.')} defined twice`);
  parent[last] = value;
}

/** The table at a dotted path, made as needed; the last element of an array of tables for `[[x]]` paths. */
function descend(table: TomlTable, key: readonly string[], at: Reader): TomlTable {
  let current = table;
  for (const part of key) {
    let next = Object.prototype.hasOwnProperty.call(current, part) ? current[part] : undefined;
    if (next === undefined) current[part] = next = {};
    if (Array.isArray(next)) next = next[next.length - 1];
    if (!isTable(next)) return at.fail(`${key.join('.')} is not a table`);
    current = next;
  }
  return current;
}

export function parseToml(text: string): TomlTable {
  const root: TomlTable = {};
  const r = new Reader(text);
  let current = root;
  while (!r.done) {
    r.skip(false);
    const c = r.peek();
    if (c === '\n' || c === '\r' || c === '') {
      if (!r.done) r.endOfLine();
      continue;
    }
    if (r.startsWith('[[')) {
      r.expect('[[');
      const key = r.key();
      r.expect(']]');
      const parent = descend(root, key.slice(0, -1), r);
      const last = key[key.length - 1] as string;
      const existing = Object.prototype.hasOwnProperty.call(parent, last) ? parent[last] : undefined;
      if (existing !== undefined && !Array.isArray(existing))
        return r.fail(`${key.join('.')} is not an array of tables`);
      const list: TomlValue[] = existing ?? [];
      parent[last] = list;
      current = {};
      list.push(current);
    } else if (c === '[') {
      r.expect('[');
      const key = r.key();
      r.expect(']');
      current = descend(root, key, r);
    } else {
      const key = r.key();
      r.expect('=');
      assign(current, key, r.value(), r);
    }
    r.endOfLine();
  }
  return root;
}
