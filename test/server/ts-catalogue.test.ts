// The ORJ catalogue: stable, unique codes and APIs, one docs page per code, messages that name
// the async replacement, and a fixture that exercises each rule.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  JAVASCRIPT_HELPER_CODE,
  blockingCallRule,
  fsPromiseTwins,
  javascriptRules,
} from '../../server/rules/javascript';
import { expectedFindings, fixtureDir } from './ts-local-findings';
import { RULE_PAGE_SECTIONS } from './rule-pages';

const docsDir = join(__dirname, '..', '..', 'docs', 'rules');

/** The rules matched call by call (ORJ100 is reported by the core, through a chain). */
const directRules = javascriptRules.filter((r) => r.code !== JAVASCRIPT_HELPER_CODE);

describe('ORJ catalogue', () => {
  it('has unique ORJ1xx codes and each API in one rule only', () => {
    const codes = javascriptRules.map((r) => r.code);
    assert.equal(new Set(codes).size, codes.length);
    for (const code of codes) assert.match(code, /^ORJ1\d\d$/);
    const apis = javascriptRules.flatMap((r) => r.apis);
    assert.equal(new Set(apis).size, apis.length);
    for (const rule of javascriptRules) assert.deepEqual(rule.languages, ['typescript', 'javascript']);
  });

  it('has a docs page per code with what it does, why, example, fix and related rules', () => {
    for (const rule of directRules) {
      const page = join(docsDir, `${rule.code}.md`);
      assert.ok(existsSync(page), `${rule.code}.md exists`);
      const text = readFileSync(page, 'utf8');
      assert.ok(text.startsWith(`# ${rule.code}: ${rule.name}\n`), `${rule.code} heading names the rule`);
      assert.ok(text.includes(`Severity: ${rule.severity}`), `${rule.code} page states the default severity`);
      for (const section of RULE_PAGE_SECTIONS) {
        assert.ok(text.includes(section), `${rule.code} has ${section}`);
      }
    }
  });

  it('names an async replacement in every message, never trio/anyio', () => {
    for (const rule of directRules) {
      assert.match(rule.message, /await|promisify|waitAsync|import\(|timers\/promises|top level/, rule.code);
      assert.doesNotMatch(rule.message, /trio|anyio/);
    }
  });

  it('matches resolved names only, and leaves ORJ150/ORJ160 to the shape of the code', () => {
    assert.equal(blockingCallRule('fs.readFileSync')?.code, 'ORJ101');
    assert.equal(blockingCallRule('readFileSync'), undefined);
    assert.equal(blockingCallRule('settingsSync.load'), undefined);
    assert.equal(blockingCallRule('fs/promises.readFile'), undefined);
    assert.equal(blockingCallRule('Date.now'), undefined);
    assert.equal(blockingCallRule('require'), undefined);
    assert.equal(blockingCallRule('toString'), undefined);
  });

  it('offers promise twins only for APIs the catalogue flags', () => {
    for (const syncName of fsPromiseTwins.keys()) assert.ok(blockingCallRule(`fs.${syncName}`), syncName);
  });

  it('has at least one fixture hit per rule', () => {
    const hit = new Set(
      readdirSync(fixtureDir).flatMap((name) =>
        expectedFindings(readFileSync(join(fixtureDir, name), 'utf8')).map((f) => f.code),
      ),
    );
    for (const rule of directRules) assert.ok(hit.has(rule.code), `${rule.code} has a fixture hit`);
  });
});
