// Shows lines the runtime saw blocking the loop as diagnostics (OBSERVED_BLOCKING_CODE),
// beside the language server's static findings.
import * as vscode from 'vscode';
import { DIAGNOSTIC_SOURCE, OBSERVED_BLOCKING_CODE } from '../../protocol/lsp-settings';
import type { Controller } from '../controller';
import { ObservedBlocks, observedMessage } from '../model/observed-blocks';
import { changed, readSettings } from '../settings';

export function createObservedDiagnostics(controller: Controller): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('openrtc-observed');
  // Only lines in the workspace (agent code), never the runtime's own bundle.
  const blocks = new ObservedBlocks((file) => vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file)) !== undefined);
  const enabled = (): boolean => readSettings().observedBlocking;
  const show = (file: string): void => {
    const uri = vscode.Uri.file(file);
    collection.set(
      uri,
      blocks.forFile(file).map((b) => {
        const start = new vscode.Position(b.line - 1, Math.max(0, b.column - 1));
        const d = new vscode.Diagnostic(
          new vscode.Range(start, start.translate(0, 1)),
          observedMessage(b),
          vscode.DiagnosticSeverity.Warning,
        );
        d.source = DIAGNOSTIC_SOURCE;
        d.code = OBSERVED_BLOCKING_CODE;
        return d;
      }),
    );
  };
  const sub = controller.onEvent((_worker, event) => {
    if (!enabled()) return;
    const file = blocks.add(event);
    if (file) show(file);
  });
  const config = vscode.workspace.onDidChangeConfiguration((e) => {
    if (changed(e, 'observedBlocking') && !enabled()) {
      blocks.clear();
      collection.clear();
    }
  });
  return vscode.Disposable.from(collection, sub, config);
}
