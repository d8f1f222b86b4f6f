import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-protocol';
import { eventually, textOf, uriOf } from './lsp-client';
import { serverOnWorkspace } from './lsp-workspace';

const agentTs = `import { readFileSync } from 'node:fs';
import { loadConfig } from './lib/config';

export async function handle(path: string) {
  const text = readFileSync(path, 'utf8');
  const config = loadConfig();
  return [text, config];
}
`;
const configTs = `import * as fs from 'node:fs';

export function loadConfig() {
  return parse(fs.readFileSync('/etc/agent.json', 'utf8'));
}

function parse(text: string) {
  return JSON.parse(text);
}
`;

const server = serverOnWorkspace({
  'agent.ts': agentTs,
  'lib/config.ts': configTs,
  'node_modules/dep/index.js': agentTs,
});
const { ws } = server;

const codes = (ds: Diagnostic[]) => ds.map((d) => `${String(d.code)}@${d.range.start.line}`).sort();

test('a TS file: direct readFileSync in an async function, and a helper in another (unopened) file with its chain', async () => {
  await server.client.open(ws.file('agent.ts'), agentTs, 'typescript');
  const diagnostics = await server.client.pull(ws.file('agent.ts'));
  assert.deepEqual(codes(diagnostics), ['ORJ100@5', 'ORJ101@4']);
  const direct = diagnostics.find((d) => d.code === 'ORJ101')!;
  assert.equal(direct.codeDescription?.href.endsWith('/docs/rules/ORJ101.md'), true);
  assert.equal(direct.source, 'openrtc');
  assert.match(textOf(direct), /node:fs\/promises/);
  const helper = diagnostics.find((d) => d.code === 'ORJ100')!;
  assert.match(textOf(helper), /handle → loadConfig\(\) → fs\.readFileSync/);
  assert.deepEqual(
    helper.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line, r.message]),
    [[uriOf(ws.file('lib/config.ts')), 3, 'loadConfig() calls fs.readFileSync']],
  );
});

test('workspace diagnostics cover files that are not open, and skip node_modules', async () => {
  const report: { items: { uri: string; kind: string; items?: Diagnostic[] }[] } =
    await server.client.connection.sendRequest('workspace/diagnostic', { previousResultIds: [] });
  const uris = report.items.map((i) => i.uri).sort();
  assert.deepEqual(uris, [uriOf(ws.file('agent.ts')), uriOf(ws.file('lib/config.ts'))]);
  const config = report.items.find((i) => i.uri === uriOf(ws.file('lib/config.ts')));
  assert.deepEqual(config?.items, []); // loadConfig is never loop code by itself
  const again: typeof report = await server.client.connection.sendRequest('workspace/diagnostic', {
    previousResultIds: report.items.map((i) => ({
      uri: i.uri,
      value: (i as unknown as { resultId: string }).resultId,
    })),
  });
  assert.deepEqual(
    again.items.map((i) => i.kind),
    ['unchanged', 'unchanged'],
  );
});

function apply(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x.ts', 'typescript', 1, text), edits);
}

async function actionsAt(file: string, d: Diagnostic): Promise<CodeAction[]> {
  return server.client.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri: uriOf(file) },
    range: d.range,
    context: { diagnostics: [d] },
  });
}

test('quick fix: the preferred rewrite applies to await readFile from node:fs/promises', async () => {
  const file = ws.file('agent.ts');
  const [direct] = (await server.client.pull(file)).filter((d) => d.code === 'ORJ101');
  const actions = await actionsAt(file, direct!);
  const preferred = actions.find((a) => a.isPreferred === true);
  assert.ok(preferred, `no preferred fix among ${actions.map((a) => a.title).join(' | ')}`);
  const fixed = apply(agentTs, preferred.edit!.changes![uriOf(file)]!);
  assert.match(fixed, /await readFile\(path, 'utf8'\)/);
  assert.match(fixed, /from 'node:fs\/promises'/);
  await server.client.change(file, fixed);
  assert.deepEqual(
    codes(await server.client.pull(file)).filter((c) => c.startsWith('ORJ101')),
    [],
  );
  await server.client.change(file, agentTs);
});

test('suppression action inserts `// openrtc-ignore-next-line CODE` at the indentation, and it is honoured', async () => {
  const file = ws.file('agent.ts');
  const helper = (await server.client.pull(file)).find((d) => d.code === 'ORJ100')!;
  const ignore = (await actionsAt(file, helper)).find((a) => a.title === 'Ignore ORJ100 on this line')!;
  const suppressed = apply(agentTs, ignore.edit!.changes![uriOf(file)]!);
  assert.match(suppressed, /\n {2}\/\/ openrtc-ignore-next-line ORJ100\n {2}const config = loadConfig\(\);/);
  await server.client.change(file, suppressed);
  assert.deepEqual(codes(await server.client.pull(file)), ['ORJ101@4']);
  await server.client.change(file, agentTs);
  assert.deepEqual(codes(await server.client.pull(file)), ['ORJ100@5', 'ORJ101@4']);
});

test('settings: a per-code severity override and "off" apply after didChangeConfiguration; bad values are named', async () => {
  const file = ws.file('agent.ts');
  const warnings = server.client.messages;
  server.client.settings = { severity: { ORJ101: 'error', ORJ100: 'off' } };
  await server.client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
  const errors = await eventually(async () => {
    const ds = await server.client.pull(file);
    return ds.length === 1 && ds[0]!.severity === 1 ? ds : undefined;
  });
  assert.equal(errors[0]!.code, 'ORJ101');
  server.client.settings = { severity: { ORJ101: 'loud' }, enable: 'yes' };
  await server.client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
  await eventually(() => (warnings.length >= 2 ? true : undefined));
  assert.ok(
    warnings.some((w) => w.includes('openrtc.diagnostics.severity.ORJ101') && w.includes('"loud"')),
    warnings.join('\n'),
  );
  assert.ok(
    warnings.some((w) => w.includes('openrtc.diagnostics.enable')),
    warnings.join('\n'),
  );
  assert.deepEqual(codes(await server.client.pull(file)), ['ORJ100@5', 'ORJ101@4']);
  assert.equal((await server.client.pull(file)).find((d) => d.code === 'ORJ101')?.severity, 2);
  server.client.settings = {};
  await server.client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
});

test('a changed helper file on disk re-diagnoses its importers (refresh, then the chain is gone)', async () => {
  const file = ws.file('agent.ts');
  await eventually(async () => (codes(await server.client.pull(file)).includes('ORJ100@5') ? true : undefined));
  const before = server.client.refreshes;
  writeFileSync(ws.file('lib/config.ts'), configTs.replace("fs.readFileSync('/etc/agent.json', 'utf8')", "'{}'"));
  await server.client.connection.sendNotification('workspace/didChangeWatchedFiles', {
    changes: [{ uri: uriOf(ws.file('lib/config.ts')), type: 2 }],
  });
  await eventually(() => (server.client.refreshes > before ? true : undefined));
  assert.deepEqual(codes(await server.client.pull(file)), ['ORJ101@4']);
  writeFileSync(ws.file('lib/config.ts'), configTs);
  await server.client.connection.sendNotification('workspace/didChangeWatchedFiles', {
    changes: [{ uri: uriOf(ws.file('lib/config.ts')), type: 2 }],
  });
  await eventually(async () => (codes(await server.client.pull(file)).includes('ORJ100@5') ? true : undefined));
});
