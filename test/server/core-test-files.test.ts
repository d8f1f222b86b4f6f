// Findings in test files are shown at information while `testFilesAsInformation` is on (the
// default): the real TypeScript and Python front ends, joined by the core.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { defaultDiagnosticsSettings } from '../../protocol/lsp-settings';
import { isTestFile } from '../../server/core/test-files';
import { WorkspaceAnalysis } from '../../server/core/workspace-analysis';
import { analyzePython, initPython, nodeModulesWasmLocation } from '../../server/frontends/python';
import { analyzeTypeScript } from '../../server/frontends/typescript';
import { catalogue } from '../../server/lsp/front-ends';
import { parseDiagnosticsSettings } from '../../server/lsp/settings';

const root = join(__dirname, '..', '..');
const options = { moduleLevelIsLoop: false, honourNoqa: true };
const tsText = "import { readFileSync } from 'node:fs';\nit('loads', async () => {\n  readFileSync('x.json');\n});\n";
const pyText = 'import time\n\nasync def test_waits():\n    time.sleep(1)\n';

function severities(path: string, testFilesAsInformation: boolean, severity: Record<string, 'error'> = {}): string[] {
  const analysis = new WorkspaceAnalysis(['/ws/test'], catalogue);
  analysis.settings = { ...defaultDiagnosticsSettings, testFilesAsInformation, severity };
  const text = path.endsWith('.py') ? pyText : tsText;
  analysis.update(path.endsWith('.py') ? analyzePython(path, text, options) : analyzeTypeScript(path, text, options));
  return analysis.findings(path).map((f) => `${f.code}:${f.severity}`);
}

describe('test files', () => {
  before(() => initPython(nodeModulesWasmLocation(root)));

  it('are told by name or by a test folder below the workspace root', () => {
    const roots = ['/ws/test'];
    for (const p of [
      '/ws/test/src/agent.test.ts',
      '/ws/test/src/agent.spec.mjs',
      '/ws/test/pkg/test_agent.py',
      '/ws/test/pkg/agent_test.py',
      '/ws/test/conftest.py',
      '/ws/test/tests/helpers.py',
      '/ws/test/src/__tests__/util.ts',
      '/ws/test/test/fixtures.ts',
    ])
      assert.equal(isTestFile(p, roots), true, p);
    for (const p of ['/ws/test/src/agent.ts', '/ws/test/agent.py', '/ws/test/src/testing.py', '/ws/test/latest/a.ts'])
      assert.equal(isTestFile(p, roots), false, p);
  });

  it('lower warnings and errors to information while the setting is on, and only in test files', () => {
    assert.deepEqual(severities('/ws/test/src/agent.test.ts', true), ['ORJ101:information']);
    assert.deepEqual(severities('/ws/test/src/agent.test.ts', false), ['ORJ101:warning']);
    assert.deepEqual(severities('/ws/test/src/agent.ts', true), ['ORJ101:warning']);
    assert.deepEqual(severities('/ws/test/tests/test_agent.py', true, { ORP101: 'error' }), ['ORP101:information']);
    assert.deepEqual(severities('/ws/test/agent.py', true, { ORP101: 'error' }), ['ORP101:error']);
  });

  it('the setting defaults to on and is validated like the others', () => {
    assert.equal(parseDiagnosticsSettings({}).settings.testFilesAsInformation, true);
    assert.equal(parseDiagnosticsSettings({ testFilesAsInformation: false }).settings.testFilesAsInformation, false);
    const bad = parseDiagnosticsSettings({ testFilesAsInformation: 'yes' });
    assert.equal(bad.settings.testFilesAsInformation, true);
    assert.deepEqual(bad.problems, [
      'openrtc.diagnostics.testFilesAsInformation: expected true or false, got "yes"; using true',
    ]);
  });
});
