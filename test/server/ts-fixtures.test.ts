// Every fixture under test/fixtures/ts: the findings (same-file join) are exactly the lines
// marked `// expect: CODE`, so hits must hit and every unmarked line must stay quiet.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { analyzeTypeScriptStrict } from '../../server/frontends/typescript/index';
import { expectedFindings, fixtureDir, localFindings, readFixture } from './ts-local-findings';

const options = { moduleLevelIsLoop: false };

describe('TS/JS fixtures: findings are exactly the marked lines', () => {
  for (const name of readdirSync(fixtureDir).sort()) {
    it(name, () => {
      const { path, text } = readFixture(name);
      const summary = analyzeTypeScriptStrict(path, text, options);
      assert.equal(summary.parseErrors, 0, 'fixture parses cleanly');
      const actual = localFindings(summary).map(({ line, code }) => `${line + 1}:${code}`);
      const expected = expectedFindings(text).map(({ line, code }) => `${line + 1}:${code}`);
      assert.deepEqual(actual, expected);
    });
  }
});

describe('moduleLevelIsLoop', () => {
  it('makes top-level sync calls loop code when set, and only then', () => {
    const { path, text } = readFixture('module-loop.mjs');
    const expected = expectedFindings(text, 'expect-module-loop').map(({ line, code }) => `${line + 1}:${code}`);
    assert.ok(expected.length > 0);
    const on = analyzeTypeScriptStrict(path, text, { moduleLevelIsLoop: true });
    assert.deepEqual(
      localFindings(on).map(({ line, code }) => `${line + 1}:${code}`),
      expected,
    );
    assert.equal(on.functions.find((f) => f.id === '<module>')?.loopRoot, 'module');
    assert.deepEqual(localFindings(analyzeTypeScriptStrict(path, text, options)), []);
  });
});
