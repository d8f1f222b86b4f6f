// Details of the TS/JS summary beyond the fixture hit lists: helper chains, import callees
// and exports for the core, suppressions, parse errors, file kinds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FileSummary } from '../../server/analysis/summary';
import { analyzeTypeScriptStrict } from '../../server/frontends/typescript/index';
import { localFindings, readFixture } from './ts-local-findings';

const options = { moduleLevelIsLoop: false };
const analyze = (path: string, text: string): FileSummary => analyzeTypeScriptStrict(path, text, options);
const fixture = (name: string): FileSummary => {
  const { path, text } = readFixture(name);
  return analyze(path, text);
};
const fn = (summary: FileSummary, name: string) => {
  const found = summary.functions.find((f) => f.name === name);
  assert.ok(found, `function ${name} in summary`);
  return found;
};

describe('helper chains', () => {
  it('records the local call chain two helpers deep, from each kind of loop root', () => {
    const chains = localFindings(fixture('loop-roots.ts'))
      .filter((f) => f.code === 'ORJ100')
      .map((f) => f.chain);
    assert.ok(
      chains.includes('setTimeout callback → loadConfig() → readConfig() → fs.readFileSync'),
      chains.join('\n'),
    );
    assert.ok(chains.includes('queueMicrotask callback → readConfig() → fs.readFileSync'));
    assert.ok(chains.includes('entry → loadConfig() → readConfig() → fs.readFileSync'));
    assert.ok(chains.includes('Session.start → Session.load() → fs.readFileSync'));
    assert.ok(chains.includes('run → lookup() → fs.readFileSync'));
  });

  it('marks why the loop runs each function', () => {
    const summary = fixture('loop-roots.ts');
    assert.equal(fn(summary, 'onData').loopRoot, 'event-handler');
    assert.equal(fn(summary, 'onTick').loopRoot, 'timer');
    assert.equal(fn(summary, 'entry').loopRoot, 'entry');
    assert.equal(fn(summary, 'prewarm').loopRoot, null);
    assert.equal(fn(summary, "on('track_subscribed') callback").loopRoot, 'event-handler');
    assert.equal(fn(summary, 'queueMicrotask callback').loopRoot, 'microtask');
    assert.equal(fn(summary, 'then callback').loopRoot, 'then');
    assert.equal(fn(summary, 'loadConfig').loopRoot, null);
    assert.equal(fn(summary, 'unusedHelper').loopRoot, null);
    assert.equal(fn(summary, '<module>').loopRoot, null);
  });

  it('does not give a function handed to a worker pool a call edge or a loop root', () => {
    const summary = fixture('offload.ts');
    const heavy = fn(summary, 'heavy');
    assert.equal(heavy.loopRoot, null);
    const callers = summary.functions.filter((f) =>
      f.calls.some((c) => c.callee.kind === 'local' && c.callee.functionId === heavy.id),
    );
    assert.deepEqual(callers, []);
  });

  it('treats an inline callback of an ordinary call as part of its caller (no separate function)', () => {
    const summary = analyze(
      '/w/a.ts',
      "import { statSync } from 'fs';\nexport async function f(xs: string[]) { xs.map((x) => statSync(x)); }\n",
    );
    assert.deepEqual(
      summary.functions.map((f) => [f.name, f.calls.length]),
      [
        ['<module>', 0],
        ['f', 1],
      ],
    );
  });
});

describe('imports and exports for the core', () => {
  it('emits import callees with the specifier as written and the exported name', () => {
    const run = fn(fixture('cross-file.ts'), 'run');
    assert.deepEqual(
      run.calls.map((c) => c.callee),
      [
        { kind: 'import', module: './config', name: 'loadConfig' },
        { kind: 'import', module: './helpers', name: 'prepare' },
        { kind: 'import', module: './default-helper', name: 'default' },
        { kind: 'import', module: './parser', name: 'parse' },
        { kind: 'import', module: './legacy', name: 'start' },
        { kind: 'import', module: './legacy', name: 'default' },
      ],
    );
  });

  it('stands in a loop root for a listener, timer or entry imported from another file', () => {
    const text = [
      "import { onTrack } from './handlers';",
      "import * as jobs from './jobs';",
      "import { defineAgent } from 'openrtc';",
      "import { entry } from './entry';",
      "room.on('track', onTrack);",
      'setInterval(jobs.flush, 1000);',
      'export default defineAgent({ entry });',
    ].join('\n');
    const roots = analyze('/w/agent.ts', text).functions.filter((f) => f.id.startsWith('ref@'));
    assert.deepEqual(
      roots.map((f) => [f.loopRoot, f.isAsync, f.calls.map((c) => [c.range.start.line, c.callee])]),
      [
        ['event-handler', false, [[4, { kind: 'import', module: './handlers', name: 'onTrack' }]]],
        ['timer', false, [[5, { kind: 'import', module: './jobs', name: 'flush' }]]],
        ['entry', false, [[6, { kind: 'import', module: './entry', name: 'entry' }]]],
      ],
    );
  });

  it('maps ESM exports to function ids', () => {
    const summary = fixture('cross-file.ts');
    const id = (name: string) => fn(summary, name).id;
    assert.deepEqual(
      { ...summary.exports },
      {
        run: id('run'),
        syncExported: id('syncExported'),
        arrowExported: id('arrowExported'),
        publicName: id('renamed'),
        default: id('main'),
      },
    );
  });

  it('maps CommonJS exports to function ids', () => {
    const text = [
      'function a() {}',
      'const b = () => {};',
      'exports.direct = function () {};',
      'module.exports.viaModule = a;',
      'module.exports = { a, renamedB: b, method() {} };',
    ].join('\n');
    const summary = analyze('/w/lib.cjs', text);
    assert.deepEqual(Object.keys(summary.exports).sort(), ['a', 'direct', 'method', 'renamedB', 'viaModule']);
    assert.equal(summary.exports.renamedB, fn(summary, 'b').id);
    const single = analyze('/w/one.js', 'module.exports = function load() {};');
    assert.equal(single.exports.default, fn(single, 'load').id);
  });

  it('does not export what is not a function of this file', () => {
    const summary = analyze(
      '/w/x.ts',
      "export const n = 1;\nexport { other } from './other';\nexport default { a: 1 };\n",
    );
    assert.deepEqual({ ...summary.exports }, {});
    assert.equal(Object.getPrototypeOf(summary.exports), null, 'no inherited names such as toString');
  });
});

describe('suppressions', () => {
  it('reads next-line and same-line directives from comments only', () => {
    const summary = fixture('suppressed.ts');
    assert.deepEqual(summary.suppressions, [
      { line: 5, codes: ['ORJ101'] },
      { line: 6, codes: [] },
      { line: 8, codes: ['ORJ102'] },
    ]);
  });
});

describe('tolerance', () => {
  it('counts parse errors and still finds what it can in a broken file', () => {
    const summary = analyze(
      '/w/broken.ts',
      "import { readFileSync } from 'fs';\nasync function f() {\n  readFileSync('x');\n  const = ;\n",
    );
    assert.ok(summary.parseErrors > 0);
    assert.deepEqual(
      localFindings(summary).map((f) => [f.line, f.code]),
      [[2, 'ORJ101']],
    );
  });

  it('picks the language and grammar from the extension', () => {
    const jsx =
      "import { readFileSync } from 'fs';\nexport async function P() { return <p>{readFileSync('x')}</p>; }\n";
    for (const [ext, language] of [
      ['.ts', 'typescript'],
      ['.tsx', 'typescript'],
      ['.mts', 'typescript'],
      ['.js', 'javascript'],
      ['.jsx', 'javascript'],
      ['.mjs', 'javascript'],
      ['.cjs', 'javascript'],
    ] as const) {
      assert.equal(analyze(`/w/a${ext}`, '').language, language, ext);
    }
    assert.equal(analyze('/w/a.tsx', jsx).parseErrors, 0);
    assert.equal(localFindings(analyze('/w/a.tsx', jsx)).length, 1);
    // A TypeScript cast `<T>x` is JSX in a .tsx file, so the same text must not parse the same way.
    const cast = 'const v = <string>someValue;\n';
    assert.equal(analyze('/w/a.ts', cast).parseErrors, 0);
    assert.ok(analyze('/w/a.tsx', cast).parseErrors > 0);
  });
});
