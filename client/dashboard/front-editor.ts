// The editor a hidden dashboard sits behind, to bring back in front after a capture: the
// escalation bundle's picture needs the dashboard shown (a hidden webview does not run), and
// taking it should not change what the user had in that editor group.
import * as vscode from 'vscode';

/**
 * A way to put the front tab of `column`'s group back in front, or null when there is no tab
 * that can be reopened by its file (a diff, another webview): then the dashboard stays in front.
 */
export function frontEditorOf(column: vscode.ViewColumn | undefined): (() => Promise<void>) | null {
  const tab = vscode.window.tabGroups.all.find((g) => g.viewColumn === column)?.activeTab;
  const input = tab?.input;
  if (!tab || !(input instanceof vscode.TabInputText || input instanceof vscode.TabInputNotebook)) return null;
  return async () => {
    await vscode.commands.executeCommand('vscode.open', input.uri, {
      viewColumn: column,
      preserveFocus: true,
      preview: tab.isPreview,
    } satisfies vscode.TextDocumentShowOptions);
  };
}
