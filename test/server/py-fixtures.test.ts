// Each fixture in test/fixtures/py marks the lines that must be reported with `# expect: CODE`;
// every other line must stay quiet. "Reported" here is what the core will do with the summary:
// blocking call sites in functions reachable from a loop root through same-file local calls.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { FileSummary } from '../../server/analysis/summary';
import { analyzePythonStrict, initPython, nodeModulesWasmLocation } from '../../server/frontends/python';

const root = join(__dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'py');

/** `line:code` for every blocking call a loop root reaches through local calls. */
export function loopFindings(summary: FileSummary): string[] {
  const byId = new Map(summary.functions.map((f) => [f.id, f]));
  const seen = new Set<string>();
  const queue = summary.functions.filter((f) => f.loopRoot !== null).map((f) => f.id);
  const found = new Set<string>();
  while (queue.length > 0) {
    const id = queue.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const call of byId.get(id)?.calls ?? []) {
      if (call.callee.kind === 'blocking') found.add(`${call.range.start.line + 1}:${call.callee.code}`);
      if (call.callee.kind === 'local' && !byId.get(call.callee.functionId)?.isAsync)
        queue.push(call.callee.functionId);
    }
  }
  return [...found].sort();
}

function expectedFindings(text: string): string[] {
  const expected: string[] = [];
  text.split('\n').forEach((line, i) => {
    const mark = /# expect: ((?:ORP\d+(?:, )?)+)/.exec(line);
    for (const code of mark?.[1]?.split(', ') ?? []) expected.push(`${i + 1}:${code}`);
  });
  return expected.sort();
}

describe('python fixtures: hits and misses per rule', () => {
  before(() => initPython(nodeModulesWasmLocation(root)));
  const files = readdirSync(fixtures)
    .filter((f) => f.endsWith('.py'))
    .sort();
  it('has a fixture for every rule that flags calls', () => assert.ok(files.length >= 14));
  for (const file of files) {
    it(file, () => {
      const text = readFileSync(join(fixtures, file), 'utf8');
      const summary = analyzePythonStrict(join(fixtures, file), text, { moduleLevelIsLoop: false });
      assert.equal(summary.parseErrors, 0, 'fixture must parse cleanly');
      assert.deepEqual(loopFindings(summary), expectedFindings(text));
    });
  }
});
