// Suppression comments the Python front end reports: our own `# openrtc: ignore[...]` and the
// ruff/flake8-async `# noqa` forms, mapped through each rule's ruffCodes.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Suppression } from '../../server/analysis/summary';
import { analyzePythonStrict, initPython, nodeModulesWasmLocation } from '../../server/frontends/python';
import { pythonRules } from '../../server/rules/python';

const root = join(__dirname, '..', '..');
const suppressions = (text: string, honourNoqa?: boolean): Suppression[] =>
  analyzePythonStrict('/ws/a.py', text, {
    moduleLevelIsLoop: false,
    ...(honourNoqa === undefined ? {} : { honourNoqa }),
  }).suppressions;

describe('python suppressions', () => {
  before(() => initPython(nodeModulesWasmLocation(root)));

  it('maps # noqa: ASYNCxxx to the rule that covers that ruff code, and bare # noqa to everything', () => {
    const text = [
      'time.sleep(1)  # noqa: ASYNC251',
      'requests.get(u)  # noqa: ASYNC210, E501',
      'open(p)  # noqa',
      'x = 1  # noqa: E501',
      'subprocess.run(c)  # NOQA:ASYNC221',
      'y = 2  # noqa: ORP110',
    ].join('\n');
    assert.deepEqual(suppressions(text), [
      { line: 0, codes: ['ORP101'] },
      { line: 1, codes: ['ORP102'] },
      { line: 2, codes: [] },
      { line: 4, codes: ['ORP105'] },
      { line: 5, codes: ['ORP110'] },
    ]);
  });

  it('ignores # noqa when the setting turns it off, but keeps openrtc comments', () => {
    assert.deepEqual(suppressions('a()  # noqa: ASYNC251\nb()  # openrtc: ignore[ORP101]\n', false), [
      { line: 1, codes: ['ORP101'] },
    ]);
  });

  it('applies a trailing # openrtc: ignore to its line and a standalone one to the next code line', () => {
    const text =
      'a()  # openrtc: ignore[ORP101, orp102]\n# openrtc: ignore\n\n# why: legacy\nb()\nc()  # openrtc: ignore[]\n';
    assert.deepEqual(suppressions(text), [
      { line: 0, codes: ['ORP101', 'ORP102'] },
      { line: 4, codes: [] },
    ]);
  });

  it('does not read suppressions out of strings', () => {
    assert.deepEqual(suppressions('s = "# noqa"\nt = "# openrtc: ignore"\n'), []);
  });

  it('gives every rule that mirrors a ruff rule an exact ASYNC code', () => {
    for (const rule of pythonRules)
      for (const code of rule.ruffCodes ?? []) assert.match(code, /^ASYNC2\d\d$/, rule.code);
    const covered = new Set(pythonRules.flatMap((r) => r.ruffCodes ?? []));
    for (const code of [
      'ASYNC210',
      'ASYNC211',
      'ASYNC212',
      'ASYNC220',
      'ASYNC221',
      'ASYNC222',
      'ASYNC230',
      'ASYNC231',
      'ASYNC240',
      'ASYNC250',
      'ASYNC251',
    ]) {
      assert.ok(covered.has(code), `${code} has no rule`);
    }
  });
});
