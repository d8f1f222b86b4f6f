// Every code the server can report has its docs page and a row in the index, so a
// codeDescription link never points at nothing and the index cannot drift from the tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { RuleBook } from '../../server/core/rule-book';
import { catalogue } from '../../server/lsp/front-ends';

const docs = path.join(__dirname, '..', '..', 'docs', 'rules');

test('each rule code has docs/rules/<CODE>.md titled with its code and name, and a row in README.md', () => {
  const index = readFileSync(path.join(docs, 'README.md'), 'utf8');
  const rules = new RuleBook(catalogue).all();
  assert.ok(rules.length >= 20, `only ${rules.length} rules`);
  for (const rule of rules) {
    const page = path.join(docs, `${rule.code}.md`);
    assert.ok(existsSync(page), `${rule.code}: docs page missing`);
    assert.equal(readFileSync(page, 'utf8').split('\n')[0], `# ${rule.code}: ${rule.name}`);
    assert.match(
      index,
      new RegExp(`\\| \\[${rule.code}\\]\\(${rule.code}\\.md\\) \\| ${rule.name} \\| ${rule.severity} \\|`),
    );
  }
});
