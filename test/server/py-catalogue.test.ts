// The Python catalogue as data: stable unique codes, asyncio (never trio) replacements, a docs
// page per code, and a fixture hit for every rule that flags calls.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { docsUrl } from '../../server/rules/rule';
import { PYTHON_HELPER_CODE, pythonRules, pythonRulesByApi } from '../../server/rules/python';
import { RULE_PAGE_SECTIONS } from './rule-pages';

const root = join(__dirname, '..', '..');

describe('python catalogue', () => {
  it('uses unique ORP1xx codes and names', () => {
    const codes = pythonRules.map((r) => r.code);
    assert.equal(new Set(codes).size, codes.length);
    assert.equal(new Set(pythonRules.map((r) => r.name)).size, codes.length);
    for (const code of codes) assert.match(code, /^ORP1\d\d$/);
  });

  it('names asyncio replacements and never trio', () => {
    for (const rule of pythonRules) {
      assert.doesNotMatch(`${rule.message} ${rule.replacement}`, /trio|anyio\.Path/i, rule.code);
      assert.match(rule.message, /await|asyncio|aiohttp|aiosqlite|httpx\.AsyncClient|aiofiles/, rule.code);
    }
  });

  it('has a docs page for every code with the ruff-style sections', () => {
    for (const rule of pythonRules) {
      const page = join(root, 'docs', 'rules', `${rule.code}.md`);
      assert.ok(existsSync(page), `missing ${page}`);
      const text = readFileSync(page, 'utf8');
      assert.ok(text.startsWith(`# ${rule.code}: ${rule.name}\n`), rule.code);
      for (const section of RULE_PAGE_SECTIONS) {
        assert.ok(text.includes(section), `${rule.code} lacks ${section}`);
      }
      for (const ruff of rule.ruffCodes ?? []) assert.ok(text.includes(ruff), `${rule.code} page should name ${ruff}`);
      assert.ok(docsUrl(rule.code).endsWith(`/docs/rules/${rule.code}.md`));
    }
  });

  it('lists each API under one rule, except a conditional row and its fallback', () => {
    for (const [api, rows] of pythonRulesByApi) {
      if (rows.length === 1) continue;
      assert.equal(rows.length, 2, api);
      assert.ok(rows[0]?.onlyWhen?.apis.includes(api), `${api}: the conditional row must come first`);
    }
  });

  it('has a fixture that expects every rule that flags calls', () => {
    const fixtures = join(root, 'test', 'fixtures', 'py');
    const expected = readdirSync(fixtures)
      .filter((f) => f.endsWith('.py'))
      .map((f) => readFileSync(join(fixtures, f), 'utf8'))
      .join('\n');
    for (const rule of pythonRules) {
      if (rule.code === PYTHON_HELPER_CODE) continue; // the core reports it from the summaries
      assert.match(expected, new RegExp(`# expect: ${rule.code}\\b`), rule.code);
    }
  });
});
