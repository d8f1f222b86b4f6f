// The three runbooks as guided commands. Step logic lives in client/runbooks/ (pure, tested);
// this file only asks, shows what each step found, and calls the actions.
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { sessionNodeId, tenantNodeId } from '../model/tree-model';
import { commandId } from './command-table';
import { memoryTrend, cpuHot, slowRows } from '../runbooks/density';
import { actionOptions, blastRadius, rankSuspects, recogniseModes } from '../runbooks/tenant-incident';
import { workerNodeId } from '../model/tree-model';
import { failedSessions, type BundleAttachments } from '../logs/escalation';
import { escalate } from './session-commands';
import type { CommandHandlers } from './register';
import { requireControl, UserError, type SessionTarget } from './targets';
import { mark, step } from './runbook-ui';
import { runOnboarding, type OnboardingAnswers } from './onboarding-command';

const INCIDENT = 'Tenant Incident';
/** Step 1's link to the dashboard; no tenant id can hold a NUL, so it cannot clash with one. */
const SHOW_DASHBOARD_PICK = '\u0000dashboard';

async function tenantIncident(
  controller: Controller,
  attachments: BundleAttachments,
  tenantArg?: string,
): Promise<string | undefined> {
  const { workerId, client } = requireControl(controller);
  const snapshot = await client.request('snapshot');
  const now = Date.now();
  const suspects = rankSuspects(snapshot, now);
  const calm = Object.keys(snapshot.tenants).filter((t) => !suspects.some((s) => s.tenant === t));
  if (suspects.length === 0 && calm.length === 0)
    throw new UserError('The runtime has no tenants yet: nothing to investigate.');

  // 1. Identify
  const tenant =
    tenantArg ??
    (await step(INCIDENT, 1, 5, 'Identify the tenant (ranked by evidence)', [
      ...suspects.map((s) => ({
        label: `$(warning) ${s.tenant}`,
        description: `evidence score ${Math.round(s.score)}`,
        detail: s.evidence.join(' · '),
        value: s.tenant,
      })),
      ...calm.map((t) => ({ label: t, description: 'no signs of trouble', value: t })),
      {
        label: '$(graph) Show the dashboard',
        description: 'since when, and what changed first: the timelines of every tenant',
        value: SHOW_DASHBOARD_PICK,
      },
    ]));
  if (tenant === SHOW_DASHBOARD_PICK) {
    await vscode.commands.executeCommand(
      commandId('showDashboard'),
      controller.model.nodeById(workerNodeId(workerId), now),
    );
    return undefined;
  }
  if (!tenant) return undefined;

  // 2. Recognise the failure mode
  const modes = recogniseModes(snapshot, tenant, now);
  const go2 = await step(
    INCIDENT,
    2,
    5,
    `Recognise the failure mode of ${tenant}`,
    modes.map((m) => ({
      label: `${m.present ? '$(error)' : '$(pass)'} ${m.title}`,
      description: m.present ? 'seen' : 'not seen',
      detail: m.evidence.join(' · '),
      value: true,
    })),
    'Pick any line to go on to the blast radius',
  );
  if (!go2) return undefined;

  // 3. Confirm the blast radius
  const radius = blastRadius(snapshot, tenant, now);
  const go3 = await step(INCIDENT, 3, 5, 'Confirm the blast radius', [
    { label: `${radius.confined ? '$(shield)' : '$(warning)'} ${radius.summary}`, value: true },
    ...radius.others.map((o) => ({ label: `${mark(o.accepting)} ${o.tenant}`, description: o.evidence, value: true })),
  ]);
  if (!go3) return undefined;

  // 4. Act
  const options = actionOptions(snapshot, tenant, modes).sort((a, b) => Number(b.recommended) - Number(a.recommended));
  const action = await step(INCIDENT, 4, 5, `Act on ${tenant}`, [
    ...options.map((o) => ({
      label: `${o.recommended ? '$(star-full) ' : ''}${o.label}`,
      description: o.recommended ? 'recommended by the evidence' : '',
      detail: o.detail,
      value: o,
    })),
    { label: '$(arrow-right) No action now: go to escalation', value: null },
  ]);
  if (action === undefined) return undefined;
  const node = controller.model.nodeById(tenantNodeId(workerId, tenant), now);
  if (action?.action === 'cap') await vscode.commands.executeCommand(commandId('setTenantCap'), node, action.suggested);
  if (action?.action === 'isolate' && snapshot.tenants[tenant]?.isolation !== 'process')
    await vscode.commands.executeCommand(commandId('isolateTenant'), node);
  if (action?.action === 'breaker')
    await vscode.commands.executeCommand(commandId('tuneBreaker'), node, action.suggested);

  // 5. Escalate: the sessions with errors in the tenant's scoped logs, then its live sessions.
  const { records } = await client.request('logs', { tenant, limit: 2000 });
  const failing = failedSessions(records);
  const failed = new Set(failing.map((f) => f.sessionId));
  const live = snapshot.sessions.filter((s) => s.tenant === tenant && !failed.has(s.session_id));
  const choice = await step<SessionTarget>(
    INCIDENT,
    5,
    5,
    `Escalate: pick the session to hand to ${tenant}'s developers`,
    [
      ...failing.map((f) => ({
        label: `$(error) ${f.sessionId}`,
        description: `${f.agentName ?? '?'} · failed ${f.failedAt}`,
        detail: f.error,
        value: { workerId, client, tenant, sessionId: f.sessionId, agentName: f.agentName },
      })),
      ...live.map((s) => ({
        label: s.session_id,
        description: `${s.agent_name} · ${s.status}`,
        value: { workerId, client, tenant, sessionId: s.session_id, agentName: s.agent_name },
      })),
    ],
    failing.length + live.length ? undefined : 'No sessions of this tenant in the logs or live',
  );
  if (!choice) return undefined;
  const finding = modes
    .filter((m) => m.present)
    .map((m) => `${m.title}: ${m.evidence[0] ?? ''}`)
    .join('; ');
  return (await escalate(choice, attachments, finding || undefined)).text;
}

async function debuggingDensity(controller: Controller): Promise<void> {
  const { workerId, client } = requireControl(controller);
  const snapshot = await client.request('snapshot');
  const slow = slowRows(snapshot.sessions);
  const R = 'Debugging Density';
  const pickedSlow = await step(
    R,
    1,
    3,
    `Slow sessions (${slow.length}) · loop lag p99 ${snapshot.loop_lag.p99_ms.toFixed(1)}ms`,
    [
      ...slow.map((s) => ({
        label: `$(watch) ${s.row.session_id}`,
        description: s.frame ? 'pick to open the blocking line' : '',
        detail: s.evidence,
        value: s,
      })),
      { label: slow.length ? '$(arrow-right) Go on to CPU' : '$(pass) No slow sessions: go on to CPU', value: null },
    ],
  );
  if (pickedSlow === undefined) return;
  if (pickedSlow?.frame)
    await vscode.commands.executeCommand(
      commandId('revealSlowSource'),
      controller.model.nodeById(sessionNodeId(workerId, pickedSlow.row.session_id), Date.now()),
    );
  const hot = cpuHot(snapshot.sessions);
  const go = await step(R, 2, 3, 'CPU-hot sessions (share of the process over the recent window)', [
    ...hot.map((s) => ({
      label: `${s.session_id}`,
      description: `${s.cpu_pct.toFixed(1)}% cpu`,
      detail: `${s.tenant}/${s.agent_name} · ${s.status}`,
      value: true,
    })),
    {
      label: hot.length ? '$(arrow-right) Go on to memory' : '$(pass) No session above 1% CPU: go on to memory',
      value: true,
    },
  ]);
  if (!go) return;
  const trend = memoryTrend(controller.rssSamples(workerId));
  await step(R, 3, 3, 'Memory trend of the worker', [
    {
      label: `${trend.verdict === 'growing' ? '$(warning)' : '$(pass)'} ${trend.verdict}`,
      detail: `${trend.evidence}; per-session memory in a shared process is an estimate (equal share)`,
      value: true,
    },
  ]);
}

export function runbookCommandHandlers(controller: Controller, attachments: BundleAttachments) {
  return {
    'runbook.tenantIncident': (node?: { tenant?: string | null }) =>
      tenantIncident(controller, attachments, node?.tenant ?? undefined),
    'runbook.debuggingDensity': () => debuggingDensity(controller),
    'runbook.onboardTenant': (answers?: OnboardingAnswers) => runOnboarding(controller, answers),
  } satisfies Partial<CommandHandlers>;
}
