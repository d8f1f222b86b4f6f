// The language server resolves imports through the project layout its start-up scan found
// (tsconfig paths, a workspaces package, a pyproject src/ layout), the same code as `openrtc
// check`, and reads it again when one of those files changes on disk.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { eventually, uriOf } from './lsp-client';
import { serverOnWorkspace } from './lsp-workspace';

const agentTs =
  "import { defineAgent } from '@livekit/agents';\nimport { prompt } from 'prompts';\nimport { rev } from '@app/config';\n" +
  "async function entry() {\n  prompt('a');\n  rev();\n}\nexport default defineAgent({ entry });\n";
const agentPy = 'import util\n\nasync def entrypoint(ctx):\n    util.settle()\n';
const tsconfig = JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@app/*': ['app/*'] } } });

const server = serverOnWorkspace({
  'package.json': JSON.stringify({ private: true, workspaces: ['packages/*'] }),
  'tsconfig.json': tsconfig,
  'packages/prompts/package.json': JSON.stringify({ name: 'prompts', main: 'dist/index.js' }),
  'packages/prompts/src/index.ts':
    "import { readFileSync } from 'node:fs';\nexport function prompt(n: string) {\n  return readFileSync(n, 'utf8');\n}\n",
  'app/config.ts':
    "import { execSync } from 'node:child_process';\nexport function rev() {\n  return execSync('git rev-parse HEAD');\n}\n",
  'app/agent.ts': agentTs,
  'py/pyproject.toml': '[project]\nname = "voice"\n',
  'py/src/util.py': 'import time\n\ndef settle():\n    time.sleep(1)\n',
  'py/src/voice/__init__.py': '',
  'py/src/voice/agent.py': agentPy,
});
const { ws } = server;

const chains = (ds: Diagnostic[]): string[] => ds.map((d) => `${String(d.code)}@${d.range.start.line}`).sort();

test('the scan reads tsconfig paths, workspaces and a src/ layout, and resolves through them', async () => {
  const ts = ws.file('app/agent.ts');
  await server.client.open(ts, agentTs, 'typescript');
  assert.deepEqual(chains(await server.client.pull(ts)), ['ORJ100@4', 'ORJ100@5']);
  const py = ws.file('py/src/voice/agent.py');
  await server.client.open(py, agentPy, 'python');
  assert.deepEqual(chains(await server.client.pull(py)), ['ORP100@3']);
});

test('a changed tsconfig on disk is read again: the chain through `@app/*` goes, and comes back', async () => {
  const ts = ws.file('app/agent.ts');
  await eventually(async () => ((await server.client.pull(ts)).length === 2 ? true : undefined));
  writeFileSync(ws.file('tsconfig.json'), '{ "compilerOptions": {} }');
  await server.client.connection.sendNotification('workspace/didChangeWatchedFiles', {
    changes: [{ uri: uriOf(ws.file('tsconfig.json')), type: 2 }],
  });
  await eventually(async () => (chains(await server.client.pull(ts)).join() === 'ORJ100@4' ? true : undefined));
  writeFileSync(ws.file('tsconfig.json'), tsconfig);
  await server.client.connection.sendNotification('workspace/didChangeWatchedFiles', {
    changes: [{ uri: uriOf(ws.file('tsconfig.json')), type: 2 }],
  });
  await eventually(async () => ((await server.client.pull(ts)).length === 2 ? true : undefined));
});
