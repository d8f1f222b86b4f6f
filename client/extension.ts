// Entry point. Activation is cheap: views, commands and the status bar are wired, sockets are
// watched only when asked (or when openrtc.runtime.autoStart / .socket say so).
import * as vscode from 'vscode';
import { Controller } from './controller';
import { registerRunbookCommands } from './commands/runbook-commands';
import { registerRuntimeCommands } from './commands/runtime-commands';
import { registerSessionCommands } from './commands/session-commands';
import { registerTenantCommands } from './commands/tenant-commands';
import { LOG_SCHEME, LogDocuments } from './logs/log-document';
import { startLanguageClient } from './lsp/language-client';
import { createObservedDiagnostics } from './lsp/observed-diagnostics';
import { RuntimeManager } from './runtime/runtime-manager';
import { createStatusBar } from './views/status-bar';
import { TREE_VIEW_ID, WorkersTreeProvider } from './views/tree-view';

/** What the extension returns from activate(): the e2e tests reach the live state through it. */
export interface OpenRtcApi {
  controller: Controller;
  runtime: RuntimeManager;
  tree: WorkersTreeProvider;
}

export function activate(context: vscode.ExtensionContext): OpenRtcApi {
  const output = vscode.window.createOutputChannel('OpenRTC');
  const controller = new Controller(output);
  const runtime = new RuntimeManager(controller, context.extensionPath, output);
  const tree = new WorkersTreeProvider(controller);
  const logs = new LogDocuments(controller);
  const view = vscode.window.createTreeView(TREE_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(
    output,
    controller,
    runtime,
    tree,
    view,
    createStatusBar(controller, 'openrtc.showView'),
    vscode.commands.registerCommand('openrtc.showView', () => vscode.commands.executeCommand(`${TREE_VIEW_ID}.focus`)),
    ...registerRuntimeCommands(controller, runtime),
    ...registerTenantCommands(controller, context.extensionPath),
    ...registerSessionCommands(controller),
    ...registerRunbookCommands(controller),
    vscode.workspace.registerTextDocumentContentProvider(LOG_SCHEME, logs),
    logs,
    createObservedDiagnostics(controller),
  );

  if (vscode.workspace.getConfiguration('openrtc.diagnostics').get<boolean>('enable', true)) {
    // Not awaited: activation stays quick; the server comes up in the background.
    startLanguageClient(context, output).catch((err: Error) =>
      output.appendLine(`language server failed to start: ${err.message}`),
    );
  }

  // Restricted Mode: nothing from the settings is started or attached until the user trusts the folder.
  if (vscode.workspace.isTrusted) attachOrStartFromSettings(controller, runtime);
  else
    context.subscriptions.push(
      vscode.workspace.onDidGrantWorkspaceTrust(() => attachOrStartFromSettings(controller, runtime)),
    );
  return { controller, runtime, tree };
}

function attachOrStartFromSettings(controller: Controller, runtime: RuntimeManager): void {
  const settings = vscode.workspace.getConfiguration('openrtc.runtime');
  const socket = settings.get<string>('socket', '');
  if (socket) controller.watch(socket, socket.split('/').pop() ?? socket, 'attached');
  if (settings.get<boolean>('autoStart', false) && runtime.workspaceFolder()) {
    runtime.start().catch((err: Error) => void vscode.window.showErrorMessage(`OpenRTC: ${err.message}`));
  }
}

export function deactivate(): void {
  // Disposables registered on the context stop the runtime and close the sockets.
}
