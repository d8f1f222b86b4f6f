// The Python front end never throws and stays bounded on broken input: truncated, spliced and
// garbled versions of the fixtures (a few hundred, seeded), pathological nesting, and a
// 50,000-line file. The core's fuzz suite runs the 5,000-case version across the server.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { FileSummary } from '../../server/analysis/summary';
import { analyzePythonStrict, initPython, nodeModulesWasmLocation } from '../../server/frontends/python';
import { seededRandom } from '../helpers/seeded-random';

const root = join(__dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'py');
const CASES = 300;
const PER_FILE_MS = 1000;

/** CPU time of this process: a bound other load on the shared machine cannot break (the analysis is synchronous). */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

const SNIPPETS = [
  '(',
  ')',
  ':',
  '\n',
  '    ',
  '"',
  "'''",
  '#',
  'async ',
  'def ',
  'lambda: ',
  'await ',
  'with ',
  'as ',
  'import ',
  'from . import ',
  '@',
  '\\',
  '\u0000',
  '😀',
  'é',
  ',',
  '*',
  '**',
  '=',
  'while ',
  'class ',
];

function mutate(text: string, next: () => number): string {
  const at = (): number => Math.floor(next() * (text.length + 1));
  const choice = Math.floor(next() * 5);
  if (choice === 0) return text.slice(0, at()); // truncated mid-edit
  if (choice === 1) {
    const a = at();
    return text.slice(0, a) + text.slice(a + Math.floor(next() * 40));
  }
  if (choice === 2) {
    let out = text;
    for (let i = 0; i < 8; i++) {
      const a = Math.floor(next() * (out.length + 1));
      out = out.slice(0, a) + SNIPPETS[Math.floor(next() * SNIPPETS.length)] + out.slice(a);
    }
    return out;
  }
  if (choice === 3) {
    const lines = text.split('\n');
    const from = Math.floor(next() * lines.length);
    return [...lines.slice(0, from), ...lines.slice(from).reverse()].join('\n');
  }
  return Array.from(text, (c) => (next() < 0.03 ? String.fromCharCode(32 + Math.floor(next() * 95)) : c)).join('');
}

/** What the core relies on: unique ids, local callees that exist, ranges inside the text. */
function assertWellFormed(summary: FileSummary, text: string, label: string): void {
  const ids = new Set(summary.functions.map((f) => f.id));
  assert.equal(ids.size, summary.functions.length, `${label}: duplicate function ids`);
  const lineCount = text.split(/\r\n|\r|\n/).length;
  for (const f of summary.functions) {
    for (const call of f.calls) {
      if (call.callee.kind === 'local')
        assert.ok(ids.has(call.callee.functionId), `${label}: dangling local ${call.callee.functionId}`);
      assert.ok(
        call.range.start.line < lineCount && call.range.end.line < lineCount,
        `${label}: range outside the text`,
      );
    }
  }
  for (const id of Object.values(summary.exports)) assert.ok(ids.has(id), `${label}: export of unknown ${id}`);
}

describe('python front end robustness', () => {
  before(() => initPython(nodeModulesWasmLocation(root)));
  const corpus = readdirSync(fixtures)
    .filter((f) => f.endsWith('.py'))
    .sort()
    .map((f) => readFileSync(join(fixtures, f), 'utf8'));

  it(`survives ${CASES} truncated and mutated fixtures, each under ${PER_FILE_MS} ms of CPU`, () => {
    const next = seededRandom(0x0be7);
    let slowest = 0;
    let withErrors = 0;
    for (let i = 0; i < CASES; i++) {
      const source = corpus[i % corpus.length] ?? '';
      const text = mutate(source, next);
      const started = cpuMs();
      const summary = analyzePythonStrict(`/fuzz/${i}.py`, text, { moduleLevelIsLoop: i % 2 === 0 });
      slowest = Math.max(slowest, cpuMs() - started);
      if (summary.parseErrors > 0) withErrors++;
      assertWellFormed(summary, text, `case ${i}`);
    }
    assert.ok(slowest < PER_FILE_MS, `slowest case took ${slowest.toFixed(0)} ms`);
    assert.ok(withErrors > CASES / 4, `mutations should mostly break the syntax (${withErrors}/${CASES})`);
  });

  it('re-analysing a file after each edit gives what a fresh parse gives (incremental trees)', () => {
    const next = seededRandom(0x5eed);
    const strip = (summary: FileSummary): string => JSON.stringify({ ...summary, path: '' });
    for (const [n, source] of corpus.entries()) {
      let text = source;
      analyzePythonStrict('/edited.py', text, { moduleLevelIsLoop: false });
      for (let step = 0; step < 6; step++) {
        // Small edits like typing (insert or delete a few characters), sometimes a bigger mutation.
        const at = Math.floor(next() * (text.length + 1));
        text =
          step === 5
            ? mutate(text, next)
            : next() < 0.5
              ? text.slice(0, at) + SNIPPETS[step % SNIPPETS.length] + text.slice(at)
              : text.slice(0, at) + text.slice(at + 3);
        const incremental = analyzePythonStrict('/edited.py', text, { moduleLevelIsLoop: false });
        const fresh = analyzePythonStrict(`/fresh/${n}-${step}.py`, text, { moduleLevelIsLoop: false });
        assert.equal(strip(incremental), strip(fresh), `fixture ${n}, edit ${step}`);
      }
    }
  });

  it('stays bounded on pathological nesting and odd text', () => {
    for (const text of [
      '('.repeat(20000),
      `x = ${'['.repeat(5000)}${']'.repeat(5000)}`,
      'def f():\n' + '    if x:\n'.repeat(3000),
      '\r\n\r\n',
      '',
      '\uFEFFimport time',
      'async def',
      'lambda'.repeat(3000),
    ]) {
      const started = cpuMs();
      assertWellFormed(
        analyzePythonStrict('/fuzz/odd.py', text, { moduleLevelIsLoop: true }),
        text,
        JSON.stringify(text.slice(0, 20)),
      );
      const spent = cpuMs() - started;
      assert.ok(spent < PER_FILE_MS * 2, `${spent.toFixed(0)} ms of CPU for ${JSON.stringify(text.slice(0, 20))}`);
    }
  });

  it('a module-level `global x` is a no-op: x still binds, and resolving it does not recurse forever', () => {
    // Found by the incremental-analysis property test: the module bound x to "look x up in the module".
    const text = 'import threading\nglobal lock\nlock = threading.Lock()\n\nasync def entry():\n    lock.acquire()\n';
    const summary = analyzePythonStrict('/fuzz/global.py', text, { moduleLevelIsLoop: false });
    const entry = summary.functions.find((f) => f.id === 'entry');
    assert.deepEqual(
      entry?.calls.map((c) => c.callee.kind === 'blocking' && c.callee.api),
      ['threading.Lock.acquire'],
    );
  });

  it('analyses a 50,000-line file within 10 s of CPU and finds its planted calls', () => {
    const block = (i: number): string =>
      `def helper_${i}(path):\n    data = load(path)\n    return data\n\nasync def handler_${i}(ctx):\n    helper_${i}("x")\n    time.sleep(0.1)\n    await ctx.say("hi")\n\n`;
    const text = `import time\n\n${Array.from({ length: 5600 }, (_, i) => block(i)).join('')}`;
    assert.ok(text.split('\n').length >= 50000);
    const started = cpuMs();
    const summary = analyzePythonStrict('/big.py', text, { moduleLevelIsLoop: false });
    const elapsed = cpuMs() - started;
    const planted = summary.functions.flatMap((f) => f.calls).filter((c) => c.callee.kind === 'blocking').length;
    assert.equal(planted, 5600);
    assert.ok(elapsed < 10000, `took ${elapsed.toFixed(0)} ms`);
  });
});
