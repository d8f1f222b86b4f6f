// The TS/JS front end never throws and stays fast on truncated and mutated sources (a few
// hundred seeded cases here; the core's fuzz suite runs thousands through the whole server),
// and every summary it returns is internally consistent.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import ts = require('typescript');
import type { FileSummary } from '../../server/analysis/summary';
import { analyzeTypeScript, analyzeTypeScriptStrict } from '../../server/frontends/typescript/index';
import { fixtureDir, readFixture } from './ts-local-findings';
import { seededRandom } from '../helpers/seeded-random';

const fragments = [
  '{',
  '}',
  '(',
  ')',
  '`',
  '${',
  '"',
  "'",
  '/*',
  '//',
  '=>',
  'async ',
  'function ',
  'class ',
  'new ',
  '<div>',
  '</',
  '...',
  'while (Date.now() < 1) {}',
  "require('x')",
  "readFileSync('a')",
  'this.',
  '@dec ',
  '\n',
  '\u2028',
  '\uFEFF',
  'yield ',
  'await ',
];

function mutate(text: string, next: () => number): string {
  const at = Math.floor(next() * (text.length + 1));
  const span = Math.floor(next() * 40);
  switch (Math.floor(next() * 5)) {
    case 0:
      return text.slice(0, at);
    case 1:
      return text.slice(0, at) + text.slice(at + span);
    case 2:
      return text.slice(0, at) + (fragments[Math.floor(next() * fragments.length)] ?? '') + text.slice(at);
    case 3:
      return text.slice(0, at) + text.slice(at, at + span) + text.slice(at);
    default: {
      const lines = text.split('\n');
      const i = Math.floor(next() * lines.length);
      const j = Math.floor(next() * lines.length);
      [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
      return lines.join('\n');
    }
  }
}

function assertConsistent(summary: FileSummary, text: string): void {
  const ids = summary.functions.map((f) => f.id);
  assert.equal(new Set(ids).size, ids.length, 'function ids are unique');
  assert.ok(ids.includes('<module>'));
  const lineCount = text.split(/\r\n|\r|\n|\u2028|\u2029/).length;
  for (const fn of summary.functions) {
    for (const site of fn.calls) {
      assert.ok(site.range.start.line >= 0 && site.range.end.line < lineCount, 'call range inside the file');
      if (site.callee.kind === 'local')
        assert.ok(ids.includes(site.callee.functionId), `local callee ${site.callee.functionId} exists`);
    }
  }
  for (const id of Object.values(summary.exports)) assert.ok(ids.includes(id), `export ${id} exists`);
  for (const s of summary.suppressions) assert.ok(s.line >= 0 && s.line <= lineCount);
}

describe('TS/JS front end robustness', () => {
  const sources = readdirSync(fixtureDir).map((name) => readFixture(name));
  const next = seededRandom(20261129);
  const cases = 600;
  const options = { moduleLevelIsLoop: false };

  it(`never throws on ${cases} truncated/mutated sources, each well under 1 s`, () => {
    let slowest = 0;
    for (let i = 0; i < cases; i++) {
      const source = sources[i % sources.length];
      assert.ok(source);
      let text = source.text;
      const rounds = 1 + Math.floor(next() * 4);
      for (let r = 0; r < rounds; r++) text = mutate(text, next);
      const started = performance.now();
      let summary: FileSummary;
      try {
        summary = analyzeTypeScriptStrict(source.path, text, { moduleLevelIsLoop: i % 2 === 0 });
      } catch (error) {
        assert.fail(`case ${i} (${source.path}) threw ${String(error)}\n--- input ---\n${text}`);
      }
      slowest = Math.max(slowest, performance.now() - started);
      assertConsistent(summary, text);
    }
    assert.ok(slowest < 1000, `slowest case took ${slowest.toFixed(1)} ms`);
  });

  it('re-analysing a file after each edit gives what a fresh parse gives (incremental parse)', () => {
    const strip = (summary: FileSummary): string => JSON.stringify({ ...summary, path: '' });
    for (const [n, source] of sources.entries()) {
      let text = source.text;
      analyzeTypeScriptStrict(source.path, text, options);
      for (let step = 0; step < 8; step++) {
        text = mutate(text, next);
        const incremental = analyzeTypeScriptStrict(source.path, text, options);
        const fresh = analyzeTypeScriptStrict(source.path.replace(/^.*\//, `/fresh/${n}-${step}/`), text, options);
        assert.equal(strip(incremental), strip(fresh), `${source.path}, edit ${step}`);
      }
    }
  });

  it('returns a summary, not an exception, for pathological nesting', () => {
    const deep = `async function f() { ${'('.repeat(50_000)}x${')'.repeat(50_000)} }`;
    const summary = analyzeTypeScript('/w/deep.ts', deep, { moduleLevelIsLoop: false });
    assert.equal(summary.path, '/w/deep.ts');
  });

  it('answers a 50,000-line file in linear time: within 6× a bare TypeScript parse, and under 15 s', () => {
    const block = (i: number) =>
      `export async function handler${i}(p: string) {\n  const data = readFileSync(p, 'utf8');\n  helper${i}(data);\n  return data.length;\n}\nfunction helper${i}(s: string) {\n  return statSync(s).size;\n}\n\n`;
    const text = `import { readFileSync, statSync } from 'node:fs';\n${Array.from({ length: 5_556 }, (_, i) => block(i)).join('')}`;
    assert.ok(text.split('\n').length >= 50_000);
    let started = performance.now();
    ts.createSourceFile('/w/huge.ts', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    const parseMs = performance.now() - started;
    started = performance.now();
    const summary = analyzeTypeScript('/w/huge.ts', text, { moduleLevelIsLoop: false });
    const elapsed = performance.now() - started;
    assert.equal(summary.functions.length, 1 + 2 * 5_556);
    console.log(`50,000-line file: ${elapsed.toFixed(0)} ms (bare parse ${parseMs.toFixed(0)} ms)`);
    assert.ok(elapsed < 15_000, `50k lines took ${elapsed.toFixed(0)} ms`);
    assert.ok(elapsed < 6 * parseMs, `×${(elapsed / parseMs).toFixed(1)} a bare parse`);
  });
});
