/// <reference types="mocha" />
// The language server through the extension's language client: static findings with their
// codes, and a quick fix applied to the document.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { waitFor, workspaceRoot } from './helpers';

const codeOf = (d: vscode.Diagnostic): string | undefined =>
  typeof d.code === 'object' ? String(d.code.value) : d.code === undefined ? undefined : String(d.code);

async function diagnosticsFor(
  relative: string,
  code: string,
): Promise<{ doc: vscode.TextDocument; diagnostic: vscode.Diagnostic }> {
  const uri = vscode.Uri.file(join(workspaceRoot(), relative));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  const diagnostic = await waitFor(
    `${code} on ${relative}`,
    () => vscode.languages.getDiagnostics(uri).find((d) => codeOf(d) === code),
    30_000,
  );
  return { doc, diagnostic };
}

export function diagnosticsSpecs(): void {
  suite('blocking-call diagnostics', () => {
    test('time.sleep inside async def is flagged ORP101', async () => {
      const { doc, diagnostic } = await diagnosticsFor('src/sleepy.py', 'ORP101');
      assert.equal(doc.getText(diagnostic.range), 'time.sleep(0.5)'.slice(0, doc.getText(diagnostic.range).length));
      assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Warning);
    });

    test('readFileSync in an async function is flagged ORJ101', async () => {
      const { diagnostic, doc } = await diagnosticsFor('src/reader.ts', 'ORJ101');
      assert.match(doc.lineAt(diagnostic.range.start.line).text, /readFileSync/);
    });

    test('the quick fix rewrites time.sleep to await asyncio.sleep', async () => {
      const { doc, diagnostic } = await diagnosticsFor('src/sleepy.py', 'ORP101');
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        doc.uri,
        diagnostic.range,
        vscode.CodeActionKind.QuickFix.value,
      );
      const fix = actions?.find((a) => a.edit && /asyncio\.sleep/.test(a.title));
      assert.ok(fix?.edit, `a quick fix mentioning asyncio.sleep among: ${actions?.map((a) => a.title).join(' | ')}`);
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      assert.match(doc.getText(), /await asyncio\.sleep\(0\.5\)/);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    });
  });
}
