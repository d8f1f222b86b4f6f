// Entry point. Activation is cheap: views, commands and the status bar are wired, sockets are
// watched only when asked (or when openrtc.runtime.autoStart / .socket say so). Commands come
// from one table (commands/command-table.ts), registered in one loop (commands/register.ts).
import * as vscode from 'vscode';
import { messageOf } from '../protocol/errors';
import { Controller } from './controller';
import { commandId } from './commands/command-table';
import { registerCommands } from './commands/register';
import { runbookCommandHandlers } from './commands/runbook-commands';
import { runtimeCommandHandlers } from './commands/runtime-commands';
import { sessionCommandHandlers } from './commands/session-commands';
import { tenantCommandHandlers } from './commands/tenant-commands';
import { DashboardAttachments } from './dashboard/bundle-attachments';
import { Dashboards } from './dashboard/dashboard-command';
import { LOG_SCHEME, LogDocuments } from './logs/log-document';
import { DiagnosticsClient } from './lsp/language-client';
import { createObservedDiagnostics } from './lsp/observed-diagnostics';
import { RuntimeManager } from './runtime/runtime-manager';
import { SettingsFollower } from './settings-follower';
import { createStatusBar } from './views/status-bar';
import type { TreeNode } from './model/tree-model';
import { TREE_VIEW_ID, WorkersTreeProvider } from './views/tree-view';

/** What the extension returns from activate(): the e2e tests reach the live state through it. */
export interface OpenRtcApi {
  controller: Controller;
  runtime: RuntimeManager;
  tree: WorkersTreeProvider;
  dashboards: Dashboards;
}

/** What deactivate() must wait for: the language server's shutdown and the runtime's SIGTERM-then-kill. */
let stopping: { diagnostics: DiagnosticsClient; runtime: RuntimeManager } | null = null;

export function activate(context: vscode.ExtensionContext): OpenRtcApi {
  const output = vscode.window.createOutputChannel('OpenRTC');
  const controller = new Controller(output);
  const runtime = new RuntimeManager(controller, context.extensionPath, output);
  const tree = new WorkersTreeProvider(controller);
  const logs = new LogDocuments(controller);
  const diagnostics = new DiagnosticsClient(context, output);
  const dashboards = new Dashboards(controller, context.extensionUri, output);
  const bundleAttachments = new DashboardAttachments(dashboards);
  const view = vscode.window.createTreeView(TREE_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(
    output,
    controller,
    runtime,
    tree,
    view,
    createStatusBar(controller, commandId('showView')),
    ...registerCommands({
      showView: () => vscode.commands.executeCommand(`${TREE_VIEW_ID}.focus`),
      ...runtimeCommandHandlers(controller, runtime),
      ...tenantCommandHandlers(controller, runtime, context.extensionPath),
      ...sessionCommandHandlers(controller, bundleAttachments),
      ...runbookCommandHandlers(controller, bundleAttachments),
      showDashboard: (node?: TreeNode) => dashboards.showFromNode(node),
    }),
    dashboards,
    vscode.workspace.registerTextDocumentContentProvider(LOG_SCHEME, logs),
    logs,
    createObservedDiagnostics(controller),
    new SettingsFollower(controller, runtime, diagnostics, (err) => {
      void vscode.window.showErrorMessage(`OpenRTC: ${messageOf(err)}`);
    }),
  );
  stopping = { diagnostics, runtime };
  return { controller, runtime, tree, dashboards };
}

export async function deactivate(): Promise<void> {
  const parts = stopping;
  stopping = null;
  if (!parts) return;
  await Promise.allSettled([parts.diagnostics.stop(), parts.runtime.stop()]);
}
