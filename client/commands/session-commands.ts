// Logs for a session or tenant, the escalation bundle, and jumping to a slow session's source.
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { buildBundle, type BundleAttachments } from '../logs/escalation';
import { logUri } from '../logs/log-document';
import { sourcePath } from '../model/observed-blocks';
import type { TreeNode } from '../model/tree-model';
import { pickSession, pickTenant, UserError, type SessionTarget } from './targets';
import type { CommandHandlers } from './register';

export async function openLog(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** Builds the bundle for a session (with the dashboard's picture of its tenant) and puts it on the clipboard and in a new editor. */
export async function escalate(
  target: SessionTarget,
  attachments: BundleAttachments,
  reason?: string,
): Promise<{ text: string; editor: vscode.TextEditor }> {
  // Where the user is now: taking the dashboard's picture may show a hidden dashboard in another
  // group, and the bundle belongs beside the user's work, not there.
  const userColumn = vscode.window.tabGroups.activeTabGroup.viewColumn;
  const { records } = await target.client.request('logs', { tenant: target.tenant, limit: 2000 });
  const bundle = buildBundle({
    attachments: await attachments.forBundle(target),
    sessionId: target.sessionId,
    tenant: target.tenant,
    agentName: target.agentName,
    records,
    generatedAt: new Date(),
    ...(reason ? { reason } : {}),
  });
  await vscode.env.clipboard.writeText(bundle.text);
  const doc = await vscode.workspace.openTextDocument({ content: bundle.text, language: 'markdown' });
  const editor = await vscode.window.showTextDocument(doc, { preview: false, viewColumn: userColumn });
  void vscode.window.showInformationMessage(
    `OpenRTC: escalation bundle for session ${target.sessionId} (tenant ${target.tenant}) copied: ${bundle.sessionLines} session record(s), ${bundle.tenantLines} more from the tenant.`,
  );
  return { text: bundle.text, editor };
}

export function sessionCommandHandlers(controller: Controller, attachments: BundleAttachments) {
  return {
    showSessionLogs: async (node?: TreeNode) => {
      const target = await pickSession(controller, node, 'Show logs for session');
      return target && openLog(logUri(target.workerId, { session_id: target.sessionId }));
    },
    showTenantLogs: async (node?: TreeNode) => {
      const target = await pickTenant(controller, node, 'Show logs for tenant');
      return target && openLog(logUri(target.workerId, { tenant: target.tenant }));
    },
    copyEscalationBundle: async (node?: TreeNode) => {
      const target = await pickSession(controller, node, 'Escalation bundle for session');
      return target && (await escalate(target, attachments)).text;
    },
    revealSlowSource: async (node?: TreeNode) => {
      const row = node?.sessionId ? controller.model.worker(node.workerId)?.sessions.get(node.sessionId) : undefined;
      const frame = row?.blocked_frames?.[0];
      if (!frame) throw new UserError('This session has no recorded loop block with a source line.');
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(sourcePath(frame.file)));
      const pos = new vscode.Position(Math.max(0, frame.line - 1), Math.max(0, frame.column - 1));
      return vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), preview: false });
    },
  } satisfies Partial<CommandHandlers>;
}
