import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { sameDiagnostics } from '../../server/lsp/diagnostics';
import { eventually, TestClient, uriOf } from './lsp-client';
import { makeWorkspace } from './lsp-workspace';

const blocking = `import { execSync } from 'node:child_process';
export async function run() {
  execSync('ls');
}
`;
const clean = `export async function run() {
  return 1;
}
`;
const ws = makeWorkspace({ 'a.ts': clean, 'b.ts': blocking });
const clients: TestClient[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  ws.remove();
});

const codes = (ds: Diagnostic[] | undefined) => (ds ?? []).map((d) => String(d.code));

test('a newer edit cancels the pull for the older version (ServerCancelled, retrigger), the next pull sees the newest text', async () => {
  const client = await TestClient.start({ root: ws.root, initializationOptions: { settleMs: 150 } });
  clients.push(client);
  const file = ws.file('a.ts');
  await client.open(file, clean, 'typescript');
  await client.change(file, blocking);
  const stale = client.pull(file).then(
    () => null,
    (e: { code?: number; data?: unknown }) => e,
  );
  await client.change(file, clean);
  const error = await stale;
  assert.equal(error?.code, -32802); // LSPErrorCodes.ServerCancelled
  assert.deepEqual(error?.data, { retriggerRequest: true });
  assert.deepEqual(codes(await client.pull(file)), []);
});

test('push fallback: a client without pull support gets publishDiagnostics for workspace files and after edits', async () => {
  const client = await TestClient.start({ root: ws.root, pull: false });
  clients.push(client);
  const onDisk = await eventually(() => client.published.get(uriOf(ws.file('b.ts'))));
  assert.deepEqual(codes(onDisk), ['ORJ110']);
  const file = ws.file('a.ts');
  await client.open(file, clean, 'typescript');
  await client.change(file, blocking);
  await eventually(() => (codes(client.published.get(uriOf(file))).includes('ORJ110') ? true : undefined));
  await client.change(file, clean);
  await eventually(() => (codes(client.published.get(uriOf(file))).length === 0 ? true : undefined));
});

test('an edit that leaves the findings as they were is answered Unchanged; one that changes them, in full', async () => {
  const client = await TestClient.start({ root: ws.root });
  clients.push(client);
  const file = ws.file('b.ts');
  await client.open(file, blocking, 'typescript');
  assert.deepEqual(codes(await client.pull(file)), ['ORJ110']);
  await client.change(file, blocking + '// trailing comment\n');
  assert.deepEqual(codes(await client.pull(file)), ['ORJ110'], 'the kept report');
  assert.equal(client.unchangedReports, 1);
  await client.change(file, blocking.replace("execSync('ls');", "execSync('ls');\n  execSync('pwd');"));
  assert.deepEqual(codes(await client.pull(file)), ['ORJ110', 'ORJ110']);
  assert.equal(client.unchangedReports, 1, 'a changed report is sent in full');
  await client.change(
    file,
    `// a line above\n${blocking.replace("execSync('ls');", "execSync('ls');\n  execSync('pwd');")}`,
  );
  const moved = await client.pull(file);
  assert.deepEqual(
    moved.map((d) => d.range.start.line),
    [3, 4],
    'the same findings a line lower',
  );
  assert.equal(client.unchangedReports, 1, 'findings that only moved are sent in full');
});

test('reports compare as JSON values: key order aside, any difference down to a related location counts', () => {
  const related = (line: number) => [
    {
      location: { uri: 'file:///w/a.ts', range: { start: { line, character: 0 }, end: { line, character: 4 } } },
      message: 'f() calls g()',
    },
  ];
  const diagnostic = (line: number): Diagnostic => ({
    range: { start: { line: 1, character: 2 }, end: { line: 1, character: 9 } },
    message: 'f() blocks the event loop: entry → f() → g()',
    code: 'ORJ100',
    relatedInformation: related(line),
  });
  const reordered: Diagnostic = {
    relatedInformation: related(7),
    code: 'ORJ100',
    message: diagnostic(7).message,
    range: diagnostic(7).range,
  };
  assert.ok(sameDiagnostics([diagnostic(7)], [reordered]));
  assert.ok(!sameDiagnostics([diagnostic(7)], [diagnostic(8)]), 'a related location a line lower');
  assert.ok(!sameDiagnostics([diagnostic(7)], [diagnostic(7), diagnostic(7)]));
  assert.ok(!sameDiagnostics([diagnostic(7)], [{ ...diagnostic(7), severity: 2 }]), 'an added field');
  assert.ok(
    !sameDiagnostics([{ ...diagnostic(7), tags: [] }], [{ ...diagnostic(7), source: 'x' }]),
    'same count of fields, different names',
  );
});
