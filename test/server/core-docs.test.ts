// docs/rules/ is generated from the rule tables where it states facts (each page's header, the
// index's tables): `generate-rule-docs.ts --check` fails when any of it is stale, so a
// codeDescription link never points at nothing and the docs cannot drift from the tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { RuleBook } from '../../server/core/rule-book';
import { catalogue } from '../../server/lsp/front-ends';
import { pythonRules } from '../../server/rules/python';
import { RuleDocsError, pageHeader, planDocs } from '../../scripts/rule-docs';

const root = path.join(__dirname, '..', '..');
const docs = path.join(root, 'docs', 'rules');
const script = path.join(root, 'scripts', 'generate-rule-docs.ts');

function runCheck(dir: string): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, '--check', '--dir', dir], {
    cwd: root,
    encoding: 'utf8',
  });
  return { status: r.status, stderr: r.stderr };
}

/** A copy of docs/rules to break. */
function copyOfDocs(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'openrtc-rule-docs-'));
  cpSync(docs, dir, { recursive: true });
  return dir;
}

test('the generated parts of docs/rules are up to date (generate-rule-docs.ts --check)', () => {
  const { status, stderr } = runCheck(docs);
  assert.equal(status, 0, stderr);
});

test('--check fails naming the file when a header, an index row or a page is stale, and ignores prose', (t) => {
  const dir = copyOfDocs();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const page = path.join(dir, 'ORP101.md');
  const original = readFileSync(page, 'utf8');
  writeFileSync(page, `${original}\nA sentence added by hand below the marker.\n`);
  assert.equal(runCheck(dir).status, 0, 'prose below the marker is the author’s');

  writeFileSync(page, original.replace('Severity: warning', 'Severity: information'));
  const index = path.join(dir, 'README.md');
  writeFileSync(index, readFileSync(index, 'utf8').replace('| blocking-sleep | warning |', '| blocking-sleep | off |'));
  unlinkSync(path.join(dir, 'ORJ140.md'));
  writeFileSync(path.join(dir, 'ORP199.md'), '# ORP199: gone\n');
  const { status, stderr } = runCheck(dir);
  assert.equal(status, 1);
  for (const name of ['ORP101.md', 'README.md', 'ORJ140.md', 'ORP199.md']) assert.match(stderr, new RegExp(name));
  assert.doesNotMatch(stderr, /ORP102\.md/);
});

test('a page without the marker line is refused rather than overwritten', () => {
  const read = (name: string): string | null =>
    name === 'README.md' ? readFileSync(path.join(docs, name), 'utf8') : '# no marker\n';
  assert.throws(() => planDocs(pythonRules, read, []), RuleDocsError);
});

test('each code is declared once, and the header says what the table says', () => {
  const codes = catalogue.map((r) => r.code);
  assert.equal(new Set(codes).size, codes.length, 'a code declared twice');
  assert.throws(() => new RuleBook([...catalogue, ...pythonRules]), /declared twice/);
  const rules = new RuleBook(catalogue);
  for (const code of ['ORJ100', 'ORP100']) assert.ok(rules.get(code), `${code} is in a language table`);
  const sleep = pythonRules.find((r) => r.code === 'ORP101');
  assert.ok(sleep);
  assert.match(
    pageHeader(sleep),
    /^# ORP101: blocking-sleep\n\nSeverity: warning · Language: Python · ruff\/flake8-async: ASYNC251\n/,
  );
  assert.ok(pageHeader(sleep).includes(`Message: ${sleep.message}`));
});
