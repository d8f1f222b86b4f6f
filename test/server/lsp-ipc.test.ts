// The same bundle also serves over Node IPC (how the extension spawns it):
// createConnection(ProposedFeatures.all) picks the transport from `--node-ipc`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { createProtocolConnection, IPCMessageReader, IPCMessageWriter } from 'vscode-languageserver-protocol/node';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { serverBundle, uriOf } from './lsp-client';
import { makeWorkspace } from './lsp-workspace';

test('over --node-ipc: initialize, open a Python file, pull its diagnostics', { timeout: 60_000 }, async () => {
  const ws = makeWorkspace({ 'agent.py': 'import time\n\nasync def entrypoint(ctx):\n    time.sleep(1)\n' });
  const child = fork(serverBundle(), ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const connection = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  connection.onRequest('workspace/configuration', () => [{}]);
  connection.onRequest('client/registerCapability', () => null);
  connection.listen();
  try {
    const init: { capabilities: { diagnosticProvider?: unknown } } = await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uriOf(ws.root),
      workspaceFolders: [{ uri: uriOf(ws.root), name: 'ws' }],
      capabilities: { workspace: { configuration: true }, textDocument: { diagnostic: {} } },
    });
    assert.ok(init.capabilities.diagnosticProvider);
    await connection.sendNotification('initialized', {});
    const uri = uriOf(ws.file('agent.py'));
    await connection.sendNotification('textDocument/didOpen', {
      textDocument: {
        uri,
        languageId: 'python',
        version: 1,
        text: 'import time\n\nasync def entrypoint(ctx):\n    time.sleep(1)\n',
      },
    });
    const report: { items: Diagnostic[] } = await connection.sendRequest('textDocument/diagnostic', {
      textDocument: { uri },
    });
    assert.deepEqual(
      report.items.map((d) => [d.code, d.range.start.line]),
      [['ORP101', 3]],
    );
    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
  } finally {
    connection.dispose();
    if (child.exitCode === null) child.kill();
    ws.remove();
  }
});
