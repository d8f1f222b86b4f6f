// Absolute imports resolve as Python would find them, whichever folder is opened: a src/ layout
// and a monorepo of namespace packages give the same cross-file findings with the repository
// root, a package folder, or several folders as the workspace roots.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { WorkspaceAnalysis } from '../../server/core/workspace-analysis';
import { analyzePython, initPython, nodeModulesWasmLocation } from '../../server/frontends/python';
import { pythonRules } from '../../server/rules/python';

const root = join(__dirname, '..', '..');

function findings(files: Record<string, string>, roots: string[], of: string): string[] {
  const analysis = new WorkspaceAnalysis(roots, pythonRules);
  for (const [name, text] of Object.entries(files))
    analysis.update(analyzePython(name, text, { moduleLevelIsLoop: false, honourNoqa: true }));
  return analysis.findings(of).map((f) => `${f.range.start.line + 1}:${f.code}:${f.chainText}`);
}

const srcLayout: Record<string, string> = {
  '/ws/repo/src/mypkg/__init__.py': 'from .util import load_prompt\n',
  '/ws/repo/src/mypkg/util.py':
    'def load_prompt(name):\n    with open(f"prompts/{name}.txt") as fh:\n        return fh.read()\n',
  '/ws/repo/src/mypkg/agent.py':
    'from mypkg.util import load_prompt\nimport mypkg\n\nasync def entrypoint(ctx):\n    load_prompt("greeting")\n    mypkg.load_prompt("bye")\n',
  '/ws/repo/scripts/run.py': 'from mypkg import load_prompt\n\nasync def main():\n    load_prompt("x")\n',
};

const monorepo: Record<string, string> = {
  '/ws/mono/plugins/deepgram/livekit/plugins/deepgram/__init__.py': 'from .stt import STT\n',
  '/ws/mono/plugins/deepgram/livekit/plugins/deepgram/stt.py':
    'import json\n\nclass STT:\n    def __init__(self):\n        with open("keys.json") as fh:\n            self.keys = json.load(fh)\n',
  '/ws/mono/plugins/deepgram/livekit/plugins/deepgram/models.py':
    'def load_models():\n    return open("models.txt").read()\n',
  '/ws/mono/examples/agent.py':
    'from livekit.plugins import deepgram\nfrom livekit.plugins.deepgram.models import load_models\n\nasync def entrypoint(ctx):\n    deepgram.STT()\n    load_models()\n',
};

describe('python imports across source roots', () => {
  before(() => initPython(nodeModulesWasmLocation(root)));

  it('a src/ layout gives the same findings whichever folder is the root', () => {
    const agent = '/ws/repo/src/mypkg/agent.py';
    const expected = [
      '5:ORP100:entrypoint → load_prompt() → builtins.open',
      '6:ORP100:entrypoint → load_prompt() → builtins.open',
    ];
    for (const roots of [['/ws/repo'], ['/ws/repo/src'], ['/ws'], ['/ws/repo/scripts', '/ws/repo/src/mypkg']])
      assert.deepEqual(findings(srcLayout, roots, agent), expected, roots.join(', '));
    assert.deepEqual(findings(srcLayout, ['/ws/repo'], '/ws/repo/scripts/run.py'), [
      '4:ORP100:main → load_prompt() → builtins.open',
    ]);
  });

  it('a monorepo of namespace packages gives the same findings whichever folder is the root', () => {
    const agent = '/ws/mono/examples/agent.py';
    const expected = [
      '5:ORP100:entrypoint → STT.__init__() → builtins.open',
      '6:ORP100:entrypoint → load_models() → builtins.open',
    ];
    for (const roots of [['/ws/mono'], ['/ws/mono/examples', '/ws/mono/plugins/deepgram'], ['/ws/mono/examples']])
      assert.deepEqual(findings(monorepo, roots, agent), expected, roots.join(', '));
  });

  it('a single module name is not looked for in other folders', () => {
    const files = {
      '/ws/a/utils.py': 'import time\n\ndef wait():\n    time.sleep(1)\n',
      '/ws/b/agent.py': 'import utils\n\nasync def entrypoint(ctx):\n    utils.wait()\n',
    };
    assert.deepEqual(findings(files, ['/ws'], '/ws/b/agent.py'), []);
  });
});
