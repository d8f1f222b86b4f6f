// The Python front end's summaries joined by the core across files: a helper in another
// module (relative and absolute imports) is reported at the loop call site with its chain,
// and `# noqa: ASYNCxxx` reaches the core as a suppression.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { WorkspaceAnalysis } from '../../server/core/workspace-analysis';
import { analyzePython, initPython, nodeModulesWasmLocation } from '../../server/frontends/python';
import { pythonRules } from '../../server/rules/python';

const root = join(__dirname, '..', '..');
const ws = '/ws';

function workspace(files: Record<string, string>): WorkspaceAnalysis {
  const analysis = new WorkspaceAnalysis([ws], pythonRules);
  for (const [name, text] of Object.entries(files))
    analysis.update(analyzePython(join(ws, name), text, { moduleLevelIsLoop: false, honourNoqa: true }));
  return analysis;
}

const helpers = [
  'import json',
  '',
  'def read_settings():',
  '    with open("settings.json") as fh:',
  '        return json.load(fh)',
  '',
  'def load_config():',
  '    return read_settings()',
  '',
].join('\n');

describe('python summaries across workspace files', () => {
  before(() => initPython(nodeModulesWasmLocation(root)));

  for (const importLine of ['from .helpers import load_config', 'from helpers import load_config']) {
    it(`reports a helper in another file through \`${importLine}\``, () => {
      const analysis = workspace({
        'agents/helpers.py': helpers,
        'agents/agent.py': `${importLine}\n\nasync def entrypoint(ctx):\n    config = load_config()\n\ndef startup():\n    load_config()\n`,
      });
      const findings = analysis.findings(join(ws, 'agents/agent.py'));
      assert.deepEqual(
        findings.map((f) => ({ line: f.range.start.line, code: f.code, blocking: f.blockingCode, chain: f.chainText })),
        [
          {
            line: 3,
            code: 'ORP100',
            blocking: 'ORP107',
            chain: 'entrypoint → load_config() → read_settings() → builtins.open',
          },
        ],
      );
      assert.equal(findings[0]?.chain.at(-1)?.path, join(ws, 'agents/helpers.py'));
    });
  }

  it("follows a package's __init__.py that imports the helper: `from tools import load_config`", () => {
    const analysis = workspace({
      'tools/settings.py': helpers,
      'tools/__init__.py': 'from .settings import load_config as load_config\nfrom .missing import gone\n',
      'agent.py':
        'from tools import load_config, gone\nimport tools\n\nasync def entrypoint(ctx):\n    load_config()\n    tools.load_config()\n    gone()\n',
    });
    assert.deepEqual(
      analysis.findings(join(ws, 'agent.py')).map((f) => [f.range.start.line, f.chainText]),
      [
        [4, 'entrypoint → load_config() → read_settings() → builtins.open'],
        [5, 'entrypoint → load_config() → read_settings() → builtins.open'],
      ],
    );
    assert.ok(
      analysis.dependentsOf(join(ws, 'tools/settings.py')).has(join(ws, 'agent.py')),
      'an edit to the helper re-diagnoses the agent',
    );
  });

  it('reaches a method of a class in another module: `import helpers` then `helpers.Store.load()`', () => {
    const analysis = workspace({
      'store.py': 'import sqlite3\n\nclass Store:\n    def load(self):\n        return sqlite3.connect("x.db")\n',
      'agent.py': 'import store\n\nasync def entrypoint(ctx):\n    store.Store.load(None)\n',
    });
    assert.deepEqual(
      analysis.findings(join(ws, 'agent.py')).map((f) => [f.code, f.chainText]),
      [['ORP100', 'entrypoint → Store.load() → sqlite3.connect']],
    );
  });

  it('honours # noqa: ASYNC251 on a direct finding and keeps the unsuppressed one', () => {
    const analysis = workspace({
      'agent.py': 'import time\n\nasync def entrypoint(ctx):\n    time.sleep(1)  # noqa: ASYNC251\n    time.sleep(2)\n',
    });
    assert.deepEqual(
      analysis.findings(join(ws, 'agent.py')).map((f) => [f.range.start.line, f.code]),
      [[4, 'ORP101']],
    );
  });
});
