// `OpenRTC: Show Dashboard`: one panel per runtime, opened beside the editor from the palette,
// the worker node's inline action or the Tenant Incident runbook; a second call reveals it.
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { requireControl } from '../commands/targets';
import type { TreeNode } from '../model/tree-model';
import { DASHBOARD_VIEW_TYPE, DashboardPanel } from './dashboard-panel';

export class Dashboards implements vscode.Disposable {
  private readonly panels = new Map<string, DashboardPanel>();

  constructor(
    private readonly controller: Controller,
    private readonly extensionUri: vscode.Uri,
    private readonly output: vscode.OutputChannel,
  ) {}

  /** The open panel of a runtime (the e2e tests and the escalation bundle read it). */
  panel(workerId?: string): DashboardPanel | undefined {
    if (workerId) return this.panels.get(workerId);
    return this.panels.values().next().value;
  }

  show(workerId?: string): DashboardPanel {
    const { workerId: id } = requireControl(this.controller, workerId);
    const open = this.panels.get(id);
    if (open) {
      open.reveal();
      return open;
    }
    const label = this.controller.model.worker(id)?.label ?? id;
    const webviewPanel = vscode.window.createWebviewPanel(
      DASHBOARD_VIEW_TYPE,
      `OpenRTC Dashboard · ${label}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
      {
        enableScripts: true,
        // Only the bundles: the page can load nothing else, and nothing from the network.
        localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist')],
      },
    );
    const panel = new DashboardPanel(this.controller, id, webviewPanel, this.extensionUri, (line) =>
      this.output.appendLine(line),
    );
    this.panels.set(id, panel);
    panel.onDidDispose(() => this.panels.delete(id));
    return panel;
  }

  /** The command's handler (its row is `showDashboard` in the command table): a worker node, or the first runtime. */
  showFromNode(node?: TreeNode): void {
    this.show(node?.workerId);
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
    this.panels.clear();
  }
}
