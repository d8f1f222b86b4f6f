// The fs → node:fs/promises quick fix: applied to the text, the result must be the expected
// code, parse cleanly and no longer block; where the rewrite would not be safe, no fix.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { FixSuggestion, SourcePosition, TextEdit } from '../../server/analysis/summary';
import { analyzeTypeScriptStrict } from '../../server/frontends/typescript/index';
import { fixtureDir, localFindings, readFixture } from './ts-local-findings';

const options = { moduleLevelIsLoop: false };

function offsetOf(text: string, position: SourcePosition): number {
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < position.line; i++) offset += (lines[i]?.length ?? 0) + 1;
  return offset + position.character;
}

function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = edits
    .map((edit) => ({
      start: offsetOf(text, edit.range.start),
      end: offsetOf(text, edit.range.end),
      newText: edit.newText,
    }))
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const edit of sorted) out = out.slice(0, edit.start) + edit.newText + out.slice(edit.end);
  return out;
}

/** The fixes offered on the only blocking call in `text`. */
function fixesIn(path: string, text: string): FixSuggestion[] {
  const sites = analyzeTypeScriptStrict(path, text, options).functions.flatMap((f) =>
    f.calls.filter((c) => c.callee.kind === 'blocking'),
  );
  assert.equal(sites.length, 1, 'exactly one blocking call in the sample');
  const callee = sites[0]?.callee;
  return callee?.kind === 'blocking' ? callee.fixes : [];
}

function fixed(path: string, text: string): string {
  const fixes = fixesIn(path, text);
  assert.equal(fixes.length, 1, 'one fix offered');
  const fix = fixes[0];
  assert.ok(fix?.preferred);
  const out = applyEdits(text, fix.edits);
  const after = analyzeTypeScriptStrict(path, out, options);
  assert.equal(after.parseErrors, 0, `fixed text parses:\n${out}`);
  assert.deepEqual(localFindings(after), [], `fixed text no longer blocks:\n${out}`);
  return out;
}

describe('fs quick fix: offered and correct', () => {
  it('rewrites a named import call and adds the promises import after the last import', () => {
    const text =
      "import { readFileSync } from 'node:fs';\nimport path from 'node:path';\n\nexport async function load(p: string) {\n  const s = readFileSync(path.join(p), 'utf8');\n  return s;\n}\n";
    assert.equal(
      fixed('/w/a.ts', text),
      "import { readFileSync } from 'node:fs';\nimport path from 'node:path';\nimport { readFile } from 'node:fs/promises';\n\nexport async function load(p: string) {\n  const s = await readFile(path.join(p), 'utf8');\n  return s;\n}\n",
    );
  });

  it('parenthesises when the result is used as an object', () => {
    const text = "import { readFileSync as r } from 'fs';\nexport async function f() { return r('x').toString(); }\n";
    assert.equal(
      fixed('/w/a.ts', text),
      "import { readFileSync as r } from 'fs';\nimport { readFile } from 'node:fs/promises';\nexport async function f() { return (await readFile('x')).toString(); }\n",
    );
  });

  it('uses fs.promises through a namespace, with no new import', () => {
    const text = "import * as fs from 'node:fs';\nexport const f = async () => { fs.writeFileSync('o', 'x'); };\n";
    assert.equal(
      fixed('/w/a.ts', text),
      "import * as fs from 'node:fs';\nexport const f = async () => { await fs.promises.writeFile('o', 'x'); };\n",
    );
  });

  it('reuses an existing node:fs/promises import and its alias', () => {
    const text =
      "import { mkdirSync } from 'fs';\nimport { mkdir as md } from 'fs/promises';\nexport async function f() { mkdirSync('d', { recursive: true }); await md('e'); }\n";
    assert.equal(
      fixed('/w/a.ts', text),
      "import { mkdirSync } from 'fs';\nimport { mkdir as md } from 'fs/promises';\nexport async function f() { await md('d', { recursive: true }); await md('e'); }\n",
    );
  });

  it('works in an async method of a CommonJS file through the required module object', () => {
    const text =
      "const fs = require('fs');\nclass A { async m() { return fs.readdirSync('.'); } }\nmodule.exports = A;\n";
    assert.equal(
      fixed('/w/a.cjs', text),
      "const fs = require('fs');\nclass A { async m() { return await fs.promises.readdir('.'); } }\nmodule.exports = A;\n",
    );
  });
});

describe('fs quick fix: withheld where unsafe', () => {
  const none = (path: string, text: string) => assert.deepEqual(fixesIn(path, text), []);

  it('not in a sync callback inside an async function (await is illegal there)', () => {
    none(
      '/w/a.ts',
      "import { readFileSync } from 'fs';\nexport async function f(xs: string[]) { return xs.map((x) => readFileSync(x)); }\n",
    );
  });
  it('not in a parameter default, where await is illegal even in an async function', () => {
    none(
      '/w/a.ts',
      "import { readFileSync } from 'fs';\nexport async function f(text = readFileSync('x', 'utf8')) { return text; }\n",
    );
  });
  it('not in a sync event handler', () => {
    none(
      '/w/a.ts',
      "import { readFileSync } from 'fs';\nexport function f(room: any) { room.on('track', () => readFileSync('x')); }\n",
    );
  });
  it('not when the name readFile is taken', () => {
    none(
      '/w/a.ts',
      "import { readFileSync } from 'fs';\nconst readFile = 1;\nexport async function f() { readFileSync('x'); }\n",
    );
  });
  it('not for existsSync (no promise twin) or a numeric file descriptor', () => {
    none('/w/a.ts', "import { existsSync } from 'fs';\nexport async function f() { existsSync('x'); }\n");
    none('/w/a.ts', "import { readFileSync } from 'fs';\nexport async function f() { readFileSync(0, 'utf8'); }\n");
  });
  it('not for a destructured require (adding an ESM import would break CommonJS)', () => {
    none(
      '/w/a.cjs',
      "const { readFileSync } = require('fs');\nasync function f() { readFileSync('x'); }\nmodule.exports = f;\n",
    );
  });
});

describe('fs quick fix: every fix offered on the fixtures', () => {
  it('leaves a file that parses and no longer blocks on that line', () => {
    let applied = 0;
    for (const name of readdirSync(fixtureDir)) {
      const { path, text } = readFixture(name);
      const before = analyzeTypeScriptStrict(path, text, options);
      const sites = before.functions
        .flatMap((f) => f.calls)
        .filter((c) => c.callee.kind === 'blocking' && c.callee.fixes.length > 0);
      for (const site of sites) {
        if (site.callee.kind !== 'blocking') continue;
        const after = analyzeTypeScriptStrict(path, applyEdits(text, site.callee.fixes[0]?.edits ?? []), options);
        assert.equal(after.parseErrors, 0, `${name}:${site.range.start.line + 1}`);
        // An added import shifts later lines by one.
        const shift =
          (site.callee.fixes[0]?.edits.length ?? 0) > 1 &&
          site.callee.fixes[0]?.edits[0]?.newText.startsWith('\nimport')
            ? 1
            : 0;
        const blockingOn = (summary: typeof before, line: number) =>
          summary.functions
            .flatMap((f) => f.calls)
            .filter((c) => c.callee.kind === 'blocking' && c.range.start.line === line).length;
        const line = site.range.start.line;
        assert.equal(blockingOn(after, line + shift), blockingOn(before, line) - 1, `${name}:${line + 1} still blocks`);
        applied++;
      }
    }
    assert.ok(applied >= 8, `fixes applied: ${applied}`);
  });
});
