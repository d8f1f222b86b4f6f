// Onboarding a Tenant: validated id and cap → openrtc.json edited (comments kept) → config
// reloaded → a test call → verified under the tenant, in the logs and in the snapshot.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { tenantIdProblem } from '../../protocol/tenant-id';
import type { Controller } from '../controller';
import { addTenantCap, validateCap, verifyOnboarding, type VerifyCheck } from '../runbooks/onboarding';
import { mark, step } from './runbook-ui';
import { requireControl, UserError } from './targets';

const R = 'Onboarding a Tenant';

function configUri(controller: Controller, workerId: string): vscode.Uri {
  const hello = controller.control(workerId)?.hello;
  if (hello?.config_path) return vscode.Uri.file(hello.config_path);
  const folder = vscode.workspace.workspaceFolders?.find((f) => existsSync(join(f.uri.fsPath, 'openrtc.json')));
  if (!folder)
    throw new UserError(
      'No openrtc.json in the workspace: the runtime must run with a config file to onboard a tenant.',
    );
  return vscode.Uri.joinPath(folder.uri, 'openrtc.json');
}

/** Answers given up front (scripts and tests): no prompts, no step pickers. */
export interface OnboardingAnswers {
  tenant: string;
  cap: string;
  agent: string;
}

export async function runOnboarding(
  controller: Controller,
  preset?: OnboardingAnswers,
): Promise<VerifyCheck[] | undefined> {
  const { workerId, client } = requireControl(controller);
  const show: typeof step = (...args) => (preset ? Promise.resolve(args[4][0]?.value) : step(...args));
  const tenant = preset
    ? preset.tenant
    : await vscode.window.showInputBox({
        title: `${R} · 1/5 · Tenant id`,
        prompt: "Letters, digits, '-' and '_', up to 128 characters",
        ignoreFocusOut: true,
        validateInput: (v) => tenantIdProblem(v),
      });
  if (tenant === undefined) return undefined;
  const idProblem = tenantIdProblem(tenant);
  if (idProblem) throw new UserError(`${idProblem} Nothing was written.`);
  const capText = preset
    ? preset.cap
    : await vscode.window.showInputBox({
        title: `${R} · 2/5 · Cap for ${tenant}`,
        prompt: 'Concurrent sessions this tenant may hold (max_sessions_per_tenant)',
        value: '5',
        ignoreFocusOut: true,
        validateInput: (v) => {
          const r = validateCap(v);
          return r.ok ? null : r.error;
        },
      });
  if (capText === undefined) return undefined;
  const cap = validateCap(capText);
  if (!cap.ok) throw new UserError(`${cap.error} Nothing was written.`);

  // 3. Edit openrtc.json through the editor (undo works; comments and layout kept).
  const uri = configUri(controller, workerId);
  const doc = await vscode.workspace.openTextDocument(uri);
  const edited = addTenantCap(doc.getText(), tenant, cap.cap, vscode.workspace.asRelativePath(uri));
  if (!edited.ok) throw new UserError(edited.error);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), edited.text);
  if (!(await vscode.workspace.applyEdit(edit)) || !(await doc.save()))
    throw new UserError(`Could not write ${uri.fsPath}.`);
  const reload = await client.request('reloadConfig');
  if (!reload.ok)
    throw new UserError(
      `The runtime refused the edited config and keeps the old one: ${reload.error ?? 'no reason given'}`,
    );
  const go = await show(R, 3, 5, `openrtc.json updated and reloaded`, [
    {
      label: `$(pass-filled) max_sessions_per_tenant.${tenant} = ${cap.cap}`,
      detail: edited.replaced === null ? 'added; comments kept' : `was ${edited.replaced}; comments kept`,
      value: true,
    },
  ]);
  if (!go) return undefined;

  // 4. A test call for the new tenant.
  const knownAgents = Object.keys((await client.request('snapshot')).sessions_by_agent);
  const agent = preset
    ? preset.agent
    : await vscode.window.showInputBox({
        title: `${R} · 4/5 · Test call for ${tenant}: agent`,
        value: knownAgents[0] ?? '',
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? null : 'An agent name'),
      });
  if (!agent) return undefined;
  const calls = await client.request('startCalls', {
    agent: agent.trim(),
    tenant,
    say: ['Hello, this is an onboarding test call'],
    count: 1,
    wait: true,
  });

  // 5. Verify.
  const snapshot = await client.request('snapshot');
  const { records } = await client.request('logs', { tenant, limit: 500 });
  const checks = verifyOnboarding(snapshot, records, tenant, calls.sessions, cap.cap);
  const allOk = checks.every((c) => c.ok);
  await show(
    R,
    5,
    5,
    allOk ? `${tenant} is onboarded` : `${tenant}: some checks failed`,
    checks.map((c) => ({ label: `${mark(c.ok)} ${c.name}`, detail: c.evidence, value: true })),
  );
  return checks;
}
