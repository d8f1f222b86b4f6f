// Imports resolved through the project's own files, on a real tree on disk, walked as the
// language server's scan walks it (scanWorkspace) and read with loadLayout: tsconfig `paths`
// and `baseUrl` through `extends`, a workspaces monorepo's package imported by name resolving
// to its source, and Python roots declared in pyproject.toml and setup.cfg. Each gives the same
// findings whichever folder (or folders) is opened, and what is not workspace code stays quiet.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WorkspaceAnalysis } from '../../server/core/workspace-analysis';
import { analyzeFile } from '../../server/lsp/front-ends';
import { languageOfPath } from '../../server/lsp/languages';
import { scanWorkspace } from '../../server/lsp/workspace-scan';
import { initPython, nodeModulesWasmLocation } from '../../server/frontends/python';
import { loadLayout } from '../../server/project/load-layout';
import { catalogue } from '../../server/rules/catalogue';
import { readFileSync } from 'node:fs';

const repoRoot = path.join(__dirname, '..', '..');

const tsMonorepo: Record<string, string> = {
  'package.json': JSON.stringify({ private: true, workspaces: ['packages/*', 'apps/*'] }),
  'tsconfig.base.json': JSON.stringify({
    compilerOptions: { baseUrl: '.', paths: { '@shared/*': ['shared/*'], '~web/*': ['apps/web/src/*'] } },
  }),
  'shared/config.ts':
    "import { readFileSync } from 'node:fs';\nexport function loadConfig() {\n  return readFileSync('/etc/a.json', 'utf8');\n}\n",
  'packages/util/package.json': JSON.stringify({ name: '@acme/util', main: './dist/index.js' }),
  'packages/util/src/index.ts': "export { readPrompt } from './prompt';\n",
  'packages/util/src/prompt.ts':
    "import * as fs from 'node:fs';\nexport function readPrompt(n: string) {\n  return fs.readFileSync(n, 'utf8');\n}\n",
  'packages/util/src/fs.ts':
    "import { statSync } from 'node:fs';\nexport function sizeOf(p: string) {\n  return statSync(p).size;\n}\n",
  // Built output of the package: never what an import means (and skipped by the walk anyway).
  'packages/util/dist/index.js': "exports.readPrompt = () => '';\n",
  'apps/web/tsconfig.json': '{\n  // the base holds the paths\n  "extends": "../../tsconfig.base.json",\n}\n',
  'apps/web/src/helper.ts':
    "import { execSync } from 'node:child_process';\nexport function rev() {\n  return execSync('git rev-parse HEAD');\n}\n",
  'apps/web/src/agent.ts': [
    "import { defineAgent } from '@livekit/agents';",
    "import { readPrompt } from '@acme/util';",
    "import { sizeOf } from '@acme/util/fs';",
    "import { loadConfig } from '@shared/config';",
    "import { rev } from '~web/helper';",
    "import { quiet } from 'not-in-the-workspace';",
    'async function entry() {',
    "  readPrompt('p.txt');",
    "  sizeOf('a');",
    '  loadConfig();',
    '  rev();',
    '  quiet();',
    '}',
    'export default defineAgent({ entry });',
  ].join('\n'),
};

const tsExpected = [
  '8:ORJ100:entry → readPrompt() → fs.readFileSync',
  '9:ORJ100:entry → sizeOf() → fs.statSync',
  '10:ORJ100:entry → loadConfig() → fs.readFileSync',
  '11:ORJ100:entry → rev() → child_process.execSync',
];

const pyProjects: Record<string, string> = {
  // setuptools with a non-src folder: `import helpers` is a top-level module of lib/.
  'svc/pyproject.toml': '[project]\nname = "svc"\n\n[tool.setuptools.packages.find]\nwhere = ["lib"]\n',
  'svc/lib/helpers.py': 'import time\n\ndef settle():\n    time.sleep(0.5)\n',
  'svc/lib/svcpkg/__init__.py': '',
  'svc/lib/svcpkg/store.py': 'def load():\n    with open("seed.json") as fh:\n        return fh.read()\n',
  // A module of the same name elsewhere: the declared root is what Python would import.
  'svc/scripts/helpers.py': 'def settle():\n    pass\n',
  'svc/app/agent.py':
    'import helpers\nfrom svcpkg.store import load\nimport legacy\n\nasync def entrypoint(ctx):\n    helpers.settle()\n    load()\n    legacy.read()\n',
  // setup.cfg's package_dir, continuation-line form.
  'old/setup.cfg': '[metadata]\nname = old\n\n[options]\npackage_dir =\n    =source\n',
  'old/source/legacy.py': 'import subprocess\n\ndef read():\n    return subprocess.run(["ls"])\n',
};

const pyExpected = [
  '6:ORP100:entrypoint → settle() → time.sleep',
  '7:ORP100:entrypoint → load() → builtins.open',
  '8:ORP100:entrypoint → read() → subprocess.run',
];

let base = '';

function write(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const full = path.join(dir, rel);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
}

/** What the language server's scan does: walk the roots, read the layout, analyse every file found. */
async function findingsOf(roots: string[], file: string): Promise<string[]> {
  const scan = await scanWorkspace(roots, 5000);
  const { layout, problems } = loadLayout(roots, scan.layoutFiles);
  assert.deepEqual(problems, []);
  const analysis = new WorkspaceAnalysis(roots, catalogue);
  analysis.setLayout(layout);
  for (const f of scan.files) {
    const language = languageOfPath(f);
    if (language !== null)
      analysis.update(
        analyzeFile(f, language, readFileSync(f, 'utf8'), { moduleLevelIsLoop: false, honourNoqa: true }),
      );
  }
  return analysis.findings(file).map((f) => `${f.range.start.line + 1}:${f.code}:${f.chainText}`);
}

describe('imports through the project layout, whichever folder is opened', () => {
  before(async () => {
    await initPython(nodeModulesWasmLocation(repoRoot));
    base = mkdtempSync(path.join(tmpdir(), 'openrtc-layout-'));
    write(path.join(base, 'mono'), tsMonorepo);
    write(path.join(base, 'py'), pyProjects);
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  it('TypeScript: tsconfig paths and baseUrl through extends, and a workspace package by name', async () => {
    const mono = path.join(base, 'mono');
    const agent = path.join(mono, 'apps/web/src/agent.ts');
    for (const roots of [
      [mono],
      [base],
      [path.join(mono, 'apps/web'), path.join(mono, 'packages/util'), path.join(mono, 'shared')],
    ])
      assert.deepEqual(await findingsOf(roots, agent), tsExpected, roots.join(', '));
  });

  it('TypeScript: without the layout (no tsconfig, no workspaces) none of those imports resolves', async () => {
    const mono = path.join(base, 'mono');
    const scan = await scanWorkspace([mono], 5000);
    const analysis = new WorkspaceAnalysis([mono], catalogue);
    for (const f of scan.files)
      analysis.update(
        analyzeFile(f, languageOfPath(f) ?? 'typescript', readFileSync(f, 'utf8'), {
          moduleLevelIsLoop: false,
          honourNoqa: true,
        }),
      );
    assert.deepEqual(analysis.findings(path.join(mono, 'apps/web/src/agent.ts')), []);
  });

  it('Python: roots declared in pyproject.toml and setup.cfg', async () => {
    const py = path.join(base, 'py');
    const agent = path.join(py, 'svc/app/agent.py');
    for (const roots of [
      [py],
      [path.join(py, 'svc'), path.join(py, 'old')],
      [path.join(py, 'svc/app'), path.join(py, 'svc/lib'), path.join(py, 'old')],
    ])
      assert.deepEqual(await findingsOf(roots, agent), pyExpected, roots.join(', '));
  });

  it('a broken config is reported with its file and reason, and the rest of the layout still counts', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'openrtc-layout-bad-'));
    try {
      write(dir, {
        'tsconfig.json': '{ "compilerOptions": { "baseUrl": 3 } }',
        'pyproject.toml': '[tool.setuptools.packages.find]\nwhere = ["lib"\n',
        'package.json': '{ "workspaces": ["pk/*"], }',
        'py2/pyproject.toml': '[tool.setuptools.packages.find]\nwhere = ["lib"]\n',
      });
      const files = ['tsconfig.json', 'pyproject.toml', 'package.json', 'py2/pyproject.toml'].map((f) =>
        path.join(dir, f),
      );
      const { layout, problems } = loadLayout([dir], files);
      assert.equal(problems.length, 3, problems.join('\n'));
      const said = (re: RegExp): void =>
        assert.ok(
          problems.some((p) => re.test(p)),
          `${re}: ${problems.join('\n')}`,
        );
      said(/package\.json: not JSON: .*; its workspaces are not used$/);
      said(/pyproject\.toml: line 3: .*; its package folders are not used$/);
      said(/tsconfig\.json: "compilerOptions\.baseUrl" must be a string; its paths are not used$/);
      assert.deepEqual(layout.tsconfigs, []);
      assert.ok(layout.pythonRoots.includes(path.join(dir, 'py2/lib')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
