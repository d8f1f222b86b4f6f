// `openrtc check` resolves imports through the project's layout as the editor does: tsconfig
// `paths`, a workspaces package by name, a pyproject.toml src/ layout; a change to one of those
// files recomputes the findings that the cache held (a chain can appear or vanish without any
// source file changing), and a broken one is said on stderr without failing the check.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkSuite, countsOf } from './check-harness';

const { check, workspace } = checkSuite();

const files: Record<string, string> = {
  'package.json': JSON.stringify({ private: true, workspaces: ['packages/*'] }),
  'tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@app/*': ['app/*'] } } }),
  'packages/prompts/package.json': JSON.stringify({ name: 'prompts', main: 'dist/index.js' }),
  'packages/prompts/src/index.ts':
    "import { readFileSync } from 'node:fs';\nexport function prompt(n: string) {\n  return readFileSync(n, 'utf8');\n}\n",
  'app/config.ts':
    "import { execSync } from 'node:child_process';\nexport function rev() {\n  return execSync('git rev-parse HEAD');\n}\n",
  'app/agent.ts':
    "import { defineAgent } from '@livekit/agents';\nimport { prompt } from 'prompts';\nimport { rev } from '@app/config';\n" +
    "async function entry() {\n  prompt('a');\n  rev();\n}\nexport default defineAgent({ entry });\n",
  'py/pyproject.toml': '[project]\nname = "voice"\n',
  'py/src/voice/__init__.py': '',
  'py/src/util.py': 'import time\n\ndef settle():\n    time.sleep(1)\n',
  'py/src/voice/agent.py': 'import util\n\nasync def entrypoint(ctx):\n    util.settle()\n',
};

interface JsonRecord {
  file: string;
  line: number;
  code: string;
  chain: string;
}
const keys = (stdout: string): string[] =>
  (JSON.parse(stdout) as JsonRecord[]).map((j) => `${j.file}:${j.line} ${j.code} ${j.chain}`).sort();

describe('openrtc check and the project layout', () => {
  it('resolves tsconfig paths, workspace packages and a src/ layout; a layout change recomputes cached findings', async () => {
    const ws = workspace(files);
    const first = await check.run(ws.root, ['--json']);
    assert.equal(first.code, 1, first.stderr);
    const all = [
      'app/agent.ts:5 ORJ100 entry → prompt() → fs.readFileSync',
      'app/agent.ts:6 ORJ100 entry → rev() → child_process.execSync',
      'py/src/voice/agent.py:4 ORP100 entrypoint → settle() → time.sleep',
    ];
    assert.deepEqual(keys(first.stdout), all);

    const warm = await check.run(ws.root, ['--json']);
    assert.deepEqual(keys(warm.stdout), all);
    assert.equal(countsOf(warm.stderr)[0]?.findingsComputed, 0, warm.stderr);

    // No source file changes, but `@app/*` no longer maps: that chain must go, not be read back.
    ws.write('tsconfig.json', '{ "compilerOptions": {} }');
    const edited = await check.run(ws.root, ['--json']);
    assert.deepEqual(keys(edited.stdout), [all[0], all[2]]);
    const counts = countsOf(edited.stderr)[0];
    assert.equal(counts?.analysed, 0, 'summaries are still good: nothing is parsed again');
    assert.ok((counts?.findingsComputed ?? 0) > 0, edited.stderr);
  });

  it('a broken tsconfig or pyproject is reported on stderr and the check goes on without it', async () => {
    const ws = workspace({
      ...files,
      'tsconfig.json': '{ "compilerOptions": { "paths": [] } }',
      'py/pyproject.toml': '[project\n',
    });
    const r = await check.run(ws.root, ['--json', '--no-cache']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /openrtc check: tsconfig\.json: "compilerOptions\.paths" must be an object; its paths are not used/,
    );
    assert.match(r.stderr, /openrtc check: py\/pyproject\.toml: line 1: .*; its package folders are not used/);
    // The workspace package still resolves; the src/ folder is still found (nothing declared).
    assert.deepEqual(keys(r.stdout), [
      'app/agent.ts:5 ORJ100 entry → prompt() → fs.readFileSync',
      'py/src/voice/agent.py:4 ORP100 entrypoint → settle() → time.sleep',
    ]);
  });
});
