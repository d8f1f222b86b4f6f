import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { textOf, uriOf } from './lsp-client';
import { serverOnWorkspace } from './lsp-workspace';

const agentPy = `import time
from .helpers import warm_cache

async def entrypoint(ctx):
    time.sleep(1)
    warm_cache()
    time.sleep(2)  # noqa: ASYNC251
`;
const helpersPy = `import time

def warm_cache():
    fill()

def fill():
    time.sleep(0.5)
`;

const server = serverOnWorkspace({
  'app/agent.py': agentPy,
  'app/helpers.py': helpersPy,
  'app/__init__.py': '',
  '.venv/lib/x.py': agentPy,
});
const { ws } = server;

const codes = (ds: Diagnostic[]) => ds.map((d) => `${String(d.code)}@${d.range.start.line}`).sort();

test('a Python file: time.sleep in async def, a helper chain two levels deep in another file, noqa honoured', async () => {
  const file = ws.file('app/agent.py');
  await server.client.open(file, agentPy, 'python');
  const diagnostics = await server.client.pull(file);
  assert.deepEqual(codes(diagnostics), ['ORP100@5', 'ORP101@4']);
  assert.match(textOf(diagnostics.find((d) => d.code === 'ORP101')!), /asyncio\.sleep/);
  const helper = diagnostics.find((d) => d.code === 'ORP100')!;
  assert.match(textOf(helper), /entrypoint → warm_cache\(\) → fill\(\) → time\.sleep/);
  assert.deepEqual(
    helper.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line]),
    [
      [uriOf(ws.file('app/helpers.py')), 3],
      [uriOf(ws.file('app/helpers.py')), 6],
    ],
  );
});

test('quick fix turns time.sleep(1) into await asyncio.sleep(1) with the import added; ignore comment works', async () => {
  const file = ws.file('app/agent.py');
  const direct = (await server.client.pull(file)).find((d) => d.code === 'ORP101')!;
  const actions: CodeAction[] = await server.client.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri: uriOf(file) },
    range: direct.range,
    context: { diagnostics: [direct] },
  });
  const doc = TextDocument.create(uriOf(file), 'python', 1, agentPy);
  const preferred = actions.find((a) => a.isPreferred === true);
  assert.ok(preferred, actions.map((a) => a.title).join(' | '));
  const fixed = TextDocument.applyEdits(doc, preferred.edit!.changes![uriOf(file)]!);
  assert.match(fixed, /^ {4}await asyncio\.sleep\(1\)$/m);
  assert.match(fixed, /^import asyncio$/m);
  const ignore = actions.find((a) => a.title === 'Ignore ORP101 on this line')!;
  const ignored = TextDocument.applyEdits(doc, ignore.edit!.changes![uriOf(file)]!);
  assert.match(ignored, /^ {4}time\.sleep\(1\) {2}# openrtc: ignore\[ORP101\]$/m);
  await server.client.change(file, ignored);
  assert.deepEqual(codes(await server.client.pull(file)), ['ORP100@5']);
});

test('honourNoqa off: the `# noqa: ASYNC251` line is reported again', async () => {
  const file = ws.file('app/agent.py');
  server.client.settings = { honourNoqa: false };
  await server.client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
  let found: string[] = [];
  for (let i = 0; i < 100 && !found.includes('ORP101@6'); i++) {
    found = codes(await server.client.pull(file));
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(found.includes('ORP101@6'), found.join(','));
});
