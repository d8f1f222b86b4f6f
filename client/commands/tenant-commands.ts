// Runbook step 4 actions and test calls: set cap, tune breaker, isolate/restore, start calls,
// top in a terminal. Each takes a tree node (context menu) or asks; tests pass values directly.
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { StartCallsParams, TenantSnapshot } from '../../protocol/control';
import { CALL_MODE_ITEMS, testCallParams } from './test-call-params';
import type { Controller } from '../controller';
import type { TreeNode } from '../model/tree-model';
import type { RuntimeManager } from '../runtime/runtime-manager';
import { DEFAULT_TENANT, tenantIdProblem } from '../../protocol/tenant-id';
import { summarizeCalls } from '../../protocol/wording';
import { validateCap } from '../runbooks/onboarding';
import { pickTenant, requireControl, UserError } from './targets';
import type { CommandHandlers } from './register';

function parsePositive(text: string, what: string, max: number): number | string {
  const v = text.trim();
  if (!/^\d+(\.\d+)?$/.test(v)) return `${what} is a number`;
  const n = Number(v);
  return n <= 0 || n > max ? `${what} must be more than 0 and at most ${max}` : n;
}

export function tenantCommandHandlers(controller: Controller, runtime: RuntimeManager, extensionPath: string) {
  return {
    setTenantCap: async (node?: TreeNode, capArg?: number | null) => {
      const target = await pickTenant(controller, node, 'Set tenant cap');
      if (!target) return undefined;
      let cap: number | null | undefined = capArg;
      if (cap === undefined) {
        const current = controller.model.worker(target.workerId)?.tenants.get(target.tenant)?.cap;
        const text = await vscode.window.showInputBox({
          title: `Cap for tenant ${target.tenant}`,
          prompt: 'Concurrent sessions allowed (empty: remove the tenant’s own cap)',
          value: current === null || current === undefined ? '' : String(current),
          validateInput: (v) => (v.trim() === '' ? null : validateCap(v).ok ? null : 'A whole number from 1 to 100000'),
        });
        if (text === undefined) return undefined;
        const parsed = validateCap(text);
        cap = text.trim() === '' ? null : parsed.ok ? parsed.cap : undefined;
      }
      if (cap === undefined) return undefined;
      const result: TenantSnapshot = await target.client.request('setTenantCap', { tenant: target.tenant, cap });
      void vscode.window.showInformationMessage(
        `OpenRTC: tenant ${target.tenant} cap is now ${result.cap ?? 'the default'} (${result.active} active).`,
      );
      return result;
    },
    tuneBreaker: async (node?: TreeNode, cooldownArg?: number) => {
      const target = await pickTenant(controller, node, 'Tune tenant breaker');
      if (!target) return undefined;
      let cooldown = cooldownArg;
      if (cooldown === undefined) {
        const b = controller.model.worker(target.workerId)?.tenants.get(target.tenant)?.breaker;
        const text = await vscode.window.showInputBox({
          title: `Breaker cooldown for tenant ${target.tenant}`,
          prompt: `Seconds its new sessions are rejected after the breaker opens${b ? ` (now ${b.cooldown_s}s)` : ''}`,
          value: b ? String(b.cooldown_s) : '30',
          validateInput: (v) => {
            const r = parsePositive(v, 'The cooldown', 3600);
            return typeof r === 'string' ? r : null;
          },
        });
        if (text === undefined) return undefined;
        const r = parsePositive(text, 'The cooldown', 3600);
        if (typeof r === 'string') return undefined;
        cooldown = r;
      }
      const result = await target.client.request('setBreaker', {
        tenant: target.tenant,
        enabled: true,
        cooldown_s: cooldown,
      });
      void vscode.window.showInformationMessage(
        `OpenRTC: tenant ${target.tenant} breaker cooldown is now ${result.cooldown_s}s (${result.state}).`,
      );
      return result;
    },
    isolateTenant: async (node?: TreeNode) => {
      const target = await pickTenant(controller, node, 'Isolate tenant in its own process');
      if (!target) return undefined;
      const result = await target.client.request('isolateTenant', { tenant: target.tenant });
      void vscode.window.showInformationMessage(
        `OpenRTC: tenant ${target.tenant}'s new sessions now run in their own process; live ones finish where they are.`,
      );
      return result;
    },
    restoreTenant: async (node?: TreeNode) => {
      const target = await pickTenant(controller, node, 'Restore tenant to the shared loop');
      if (!target) return undefined;
      const result = await target.client.request('restoreTenant', { tenant: target.tenant });
      void vscode.window.showInformationMessage(
        `OpenRTC: tenant ${target.tenant} is back on the shared loop for new sessions.`,
      );
      return result;
    },
    startTestCalls: async (node?: TreeNode, paramsArg?: StartCallsParams) => {
      const params = paramsArg ?? (await askCalls(controller, node));
      if (!params) return undefined;
      const problem = params.tenant === undefined ? null : tenantIdProblem(params.tenant);
      if (problem) throw new UserError(problem);
      const { client } = requireControl(controller, node?.workerId);
      const result = await client.request('startCalls', params);
      void vscode.window.showInformationMessage(
        `OpenRTC: test calls for ${params.tenant ?? DEFAULT_TENANT}: ${summarizeCalls(result)}.`,
      );
      return result;
    },
    showTop: async (node?: TreeNode) => {
      const target = await pickTenant(controller, node, 'Show top for tenant');
      if (!target) return undefined;
      const nodeBinary = runtime.nodeChoice();
      const terminal = vscode.window.createTerminal({
        name: `openrtc top · ${target.tenant}`,
        shellPath: nodeBinary.command,
        shellArgs: [
          join(extensionPath, 'dist', 'cli.js'),
          'top',
          '--tenant',
          target.tenant,
          '--socket',
          target.workerId,
        ],
        env: nodeBinary.env,
      });
      terminal.show();
      return terminal.name;
    },
  } satisfies Partial<CommandHandlers>;
}

async function askCalls(controller: Controller, node: TreeNode | undefined): Promise<StartCallsParams | undefined> {
  const target = await pickTenant(controller, node, 'Start test calls: tenant', true);
  if (!target) return undefined;
  const summary = controller.model.worker(target.workerId)?.summary;
  const agents = Object.keys(summary?.sessions_by_agent ?? {});
  const agent = await vscode.window.showInputBox({
    title: `Test calls for ${target.tenant}: agent`,
    prompt: 'Agent name (as in defineAgent({ name }))',
    value: agents[0] ?? '',
    validateInput: (v) => (v.trim() ? null : 'An agent name'),
  });
  if (!agent) return undefined;
  const turns = await vscode.window.showInputBox({
    title: `Test calls for ${target.tenant}: caller turns`,
    prompt: 'What the caller says, turns separated by |',
    value: 'Hello|I would like an appointment|Thanks, bye',
  });
  if (turns === undefined) return undefined;
  const count = await vscode.window.showInputBox({
    title: `Test calls for ${target.tenant}: how many`,
    value: '1',
    validateInput: (v) =>
      /^\d+$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= 1000 ? null : 'A whole number from 1 to 1000',
  });
  if (!count) return undefined;
  const mode = await vscode.window.showQuickPick(CALL_MODE_ITEMS, {
    title: `Test calls for ${target.tenant}: text or voice`,
  });
  if (!mode) return undefined;
  return testCallParams({ agent, tenant: target.tenant, turns, count: Number(count), mode: mode.mode });
}
