// Maps model nodes onto TreeItems. Node ids are the TreeItem ids, so VS Code keeps selection
// and expansion across refreshes; only the dirty subtrees are re-requested.
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { isRootNodeId, isWorkerNodeId, workerNodeId, type TreeNode } from '../model/tree-model';
import { fleetNodeId } from '../model/fleet-nodes';
import { commandId } from '../commands/command-table';

export const TREE_VIEW_ID = 'openrtc.workers';

export class WorkersTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;
  /** Nodes handed to VS Code, by id: refresh events must pass back these element objects. */
  private readonly shown = new Map<string, TreeNode>();

  constructor(private readonly controller: Controller) {
    this.subscription = controller.onDidChange((dirty) => this.refresh(dirty));
  }

  private refresh(dirty: string[] | undefined): void {
    if (!dirty) return this.refreshAll();
    // Refreshing a worker covers its tenants; skip tenants under a dirty worker.
    const workers = new Set(dirty.filter(isWorkerNodeId));
    const elements: TreeNode[] = [];
    for (const id of dirty) {
      const node = this.shown.get(id);
      if (!node) continue;
      if (node.kind !== 'worker' && workers.has(workerNodeId(node.workerId))) continue;
      elements.push(node);
    }
    const unknownWorker = dirty.filter(isRootNodeId).some((id) => !this.shown.has(id));
    if (unknownWorker || elements.length === 0) return this.refreshAll();
    this.changed.fire(elements);
  }

  private refreshAll(): void {
    // Everything is re-requested, so forget nodes of ended sessions.
    this.shown.clear();
    this.changed.fire(undefined);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    // The element may be stale (VS Code passes back what it holds); render the current state.
    const current = this.controller.model.nodeById(node.id, Date.now()) ?? node;
    const item = new vscode.TreeItem(
      current.label,
      current.collapsible
        ? current.kind === 'worker' || current.kind === 'fleet'
          ? vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.Collapsed
        : vscode.TreeItemCollapsibleState.None,
    );
    item.id = current.id;
    item.description = current.description;
    item.tooltip = current.tooltip;
    item.contextValue = current.contextValue;
    item.iconPath = new vscode.ThemeIcon(
      current.icon.id,
      current.icon.color ? new vscode.ThemeColor(current.icon.color) : undefined,
    );
    if (current.kind === 'session' && current.contextValue === 'openrtc.session.slowWithSource') {
      item.command = {
        command: commandId('revealSlowSource'),
        title: 'Reveal Source of Slow Session',
        arguments: [current],
      };
    }
    return item;
  }

  getChildren(node?: TreeNode): TreeNode[] {
    const children = this.controller.model.children(node, Date.now());
    for (const child of children) this.shown.set(child.id, child);
    return children;
  }

  getParent(node: TreeNode): TreeNode | undefined {
    const model = this.controller.model;
    if (node.kind === 'worker' || node.kind === 'fleet') return undefined;
    if (node.kind === 'fleetTenant') {
      // g|<fleet key>|<tenant>: tenant ids hold no '|', so the key ends at the last one.
      return model.nodeById(fleetNodeId(node.id.slice(2, node.id.lastIndexOf('|'))), Date.now());
    }
    if (node.kind === 'tenant') return model.nodeById(workerNodeId(node.workerId), Date.now());
    return node.tenant === null
      ? undefined
      : model
          .children(model.nodeById(workerNodeId(node.workerId), Date.now()), Date.now())
          .find((t) => t.tenant === node.tenant);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
