// Which worker/tenant/session a command acts on: the tree node it was invoked on, or a pick.
import * as vscode from 'vscode';
import type { ControlClient } from '../../protocol/connect';
import type { Controller } from '../controller';
import { breakerWords, capWords } from '../../protocol/wording';
import type { TreeNode } from '../model/tree-model';
import { tenantIdProblem } from '../../protocol/tenant-id';

export interface TenantTarget {
  workerId: string;
  tenant: string;
  client: ControlClient;
}

export interface SessionTarget extends TenantTarget {
  sessionId: string;
  agentName: string | null;
}

/** Thrown for a precondition the user must fix; the command shows its message as is. */
export class UserError extends Error {}

export function requireControl(controller: Controller, workerId?: string): { workerId: string; client: ControlClient } {
  const client = controller.control(workerId);
  if (client) return { workerId: client.socketPath, client };
  const workers = controller.model.allWorkers();
  if (workers.some((w) => w.kind === 'python' && (!workerId || w.id === workerId))) {
    throw new UserError(
      "This is a Python OpenRTC worker: its top.sock is read-only (no caps, breaker or isolation from here). Use the Python worker's own configuration.",
    );
  }
  const down = workers.find((w) => w.connection === 'disconnected' && (!workerId || w.id === workerId));
  if (down) throw new UserError(`The runtime is not connected: ${down.problem ?? 'connecting'}.`);
  throw new UserError(
    'No OpenRTC runtime is running. Start one with "OpenRTC: Start Runtime" or attach with "OpenRTC: Attach to Runtime…".',
  );
}

export async function pickTenant(
  controller: Controller,
  node: TreeNode | undefined,
  title: string,
  allowNew = false,
): Promise<TenantTarget | undefined> {
  if (node?.tenant) {
    const { workerId, client } = requireControl(controller, node.workerId);
    return { workerId, tenant: node.tenant, client };
  }
  const { workerId, client } = requireControl(controller);
  const worker = controller.model.worker(workerId);
  const now = Date.now();
  const items: Array<vscode.QuickPickItem & { tenant: string }> = [...(worker?.tenants.entries() ?? [])]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, t]) => ({
      label: name,
      description: `${breakerWords(t.breaker, now)} · ${capWords(t)}`,
      tenant: name,
    }));
  if (items.length === 0 && !allowNew) throw new UserError('The runtime has no tenants yet: start a test call first.');
  if (allowNew) {
    const picked = await new Promise<string | undefined>((resolve) => {
      const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { tenant: string }>();
      qp.title = title;
      qp.placeholder = 'A tenant, or type a new tenant id';
      qp.items = items;
      qp.onDidChangeValue((v) => {
        const problem = v ? tenantIdProblem(v) : null;
        // An invalid id shows why as the only row; accepting it does nothing.
        if (problem) qp.items = [{ label: `$(error) ${problem}`, alwaysShow: true, tenant: '' }];
        else
          qp.items =
            v && !items.some((i) => i.tenant === v)
              ? [{ label: v, description: 'new tenant', tenant: v }, ...items]
              : items;
      });
      qp.onDidAccept(() => {
        const choice = qp.selectedItems[0]?.tenant || qp.value;
        if (tenantIdProblem(choice)) return; // the reason stays on screen
        resolve(choice);
        qp.hide();
      });
      qp.onDidHide(() => {
        resolve(undefined);
        qp.dispose();
      });
      qp.show();
    });
    return picked ? { workerId, tenant: picked, client } : undefined;
  }
  const pick = await vscode.window.showQuickPick(items, { title, placeHolder: 'Tenant' });
  return pick ? { workerId, tenant: pick.tenant, client } : undefined;
}

export async function pickSession(
  controller: Controller,
  node: TreeNode | undefined,
  title: string,
): Promise<SessionTarget | undefined> {
  if (node?.sessionId && node.tenant) {
    const { workerId, client } = requireControl(controller, node.workerId);
    const row = controller.model.worker(workerId)?.sessions.get(node.sessionId);
    return { workerId, client, tenant: node.tenant, sessionId: node.sessionId, agentName: row?.agent_name ?? null };
  }
  const { workerId, client } = requireControl(controller);
  const rows = [...(controller.model.worker(workerId)?.sessions.values() ?? [])];
  const typed = '$(edit) Type a session id (ended sessions too)…';
  const pick = await vscode.window.showQuickPick(
    [
      ...rows.map((r) => ({ label: r.session_id, description: `${r.tenant} · ${r.agent_name} · ${r.status}`, row: r })),
      { label: typed, row: undefined },
    ],
    { title, placeHolder: 'Session' },
  );
  if (!pick) return undefined;
  if (pick.row)
    return {
      workerId,
      client,
      tenant: pick.row.tenant,
      sessionId: pick.row.session_id,
      agentName: pick.row.agent_name,
    };
  const sessionId = (
    await vscode.window.showInputBox({
      title,
      prompt: 'Session id',
      validateInput: (v) => (v.trim() ? null : 'A session id'),
    })
  )?.trim();
  if (!sessionId) return undefined;
  // The tenant of an ended session comes from its own log records.
  const { records } = await client.request('logs', { session_id: sessionId, limit: 1 });
  const first = records[0];
  if (!first?.tenant)
    throw new UserError(
      `No log records for session ${sessionId}: check the id (the runtime keeps records in its log file).`,
    );
  return { workerId, client, tenant: first.tenant, sessionId, agentName: first.agent_name };
}
