// Every command the extension contributes, in one table: its title, icon and the menus it shows
// in. Registration (client/commands/register.ts) loops over it, handlers are typed by its keys,
// and a unit test (test/client/command-table.test.ts) holds package.json's contributions to it, as
// rust-analyzer's `commands` table and our CLI's runtime/cli/commands.ts do. No vscode import, so
// that test runs without VS Code.

export const COMMAND_PREFIX = 'openrtc.';

const VIEW = 'view == openrtc.workers';
const TENANT_ALIVE = `${VIEW} && viewItem =~ /^openrtc\\.tenant\\.(coroutine|process)$/`;
const SESSION = `${VIEW} && viewItem =~ /^openrtc\\.session\\./`;

export type MenuId = 'view/title' | 'view/item/context';

export interface MenuPlacement {
  readonly menu: MenuId;
  readonly when: string;
  readonly group: string;
}

export interface CommandSpec {
  readonly title: string;
  readonly icon?: string;
  readonly menus?: readonly MenuPlacement[];
  /** Only meaningful on a tree item, so kept out of the command palette. */
  readonly paletteHidden?: boolean;
}

const titleBar = (n: number): MenuPlacement => ({ menu: 'view/title', when: VIEW, group: `navigation@${n}` });
const onItem = (when: string, group: string): MenuPlacement => ({ menu: 'view/item/context', when, group });

export const COMMANDS = {
  startRuntime: { title: 'Start Runtime', icon: '$(play)', menus: [titleBar(1)] },
  stopRuntime: { title: 'Stop Runtime', icon: '$(debug-stop)' },
  restartRuntime: {
    title: 'Restart Runtime',
    icon: '$(debug-restart)',
    menus: [onItem(`${VIEW} && viewItem =~ /^openrtc\\.worker\\.bundled/`, '1_runtime@1')],
  },
  attachRuntime: { title: 'Attach to Runtime…', icon: '$(plug)', menus: [titleBar(2)] },
  detachWorker: {
    title: 'Detach',
    menus: [onItem(`${VIEW} && viewItem =~ /^openrtc\\.worker\\./`, '1_runtime@2')],
    paletteHidden: true,
  },
  showView: { title: 'Show Workers, Tenants and Sessions' },
  startTestCalls: {
    title: 'Start Test Call(s)…',
    icon: '$(call-outgoing)',
    menus: [titleBar(3), onItem(TENANT_ALIVE, '1_calls@1')],
  },
  showTop: {
    title: 'Show Top for Tenant…',
    menus: [onItem(`${VIEW} && viewItem =~ /^openrtc\\.tenant\\./`, '2_inspect@1')],
  },
  showSessionLogs: { title: 'Show Logs for Session…', menus: [onItem(SESSION, '1_inspect@1')] },
  showTenantLogs: { title: 'Show Logs for Tenant…', menus: [onItem(TENANT_ALIVE, '2_inspect@2')] },
  setTenantCap: { title: 'Set Tenant Cap…', menus: [onItem(TENANT_ALIVE, '3_act@1')] },
  tuneBreaker: { title: 'Tune Tenant Breaker…', menus: [onItem(TENANT_ALIVE, '3_act@2')] },
  isolateTenant: {
    title: 'Isolate Tenant (own process)',
    menus: [onItem(`${VIEW} && viewItem == openrtc.tenant.coroutine`, '3_act@3')],
  },
  restoreTenant: {
    title: 'Restore Tenant to Shared Loop',
    menus: [onItem(`${VIEW} && viewItem == openrtc.tenant.process`, '3_act@4')],
  },
  copyEscalationBundle: { title: 'Copy Escalation Bundle…', menus: [onItem(SESSION, '1_inspect@2')] },
  revealSlowSource: {
    title: 'Reveal Source of Slow Session',
    menus: [onItem(`${VIEW} && viewItem == openrtc.session.slowWithSource`, '1_inspect@3')],
  },
  'runbook.tenantIncident': { title: 'Runbook: Tenant Incident', menus: [onItem(TENANT_ALIVE, '4_runbook@1')] },
  'runbook.debuggingDensity': { title: 'Runbook: Debugging Density' },
  'runbook.onboardTenant': { title: 'Runbook: Onboarding a Tenant' },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

/** The id VS Code knows a command by: the one place the prefix is added. */
export function commandId(name: CommandName): string {
  return `${COMMAND_PREFIX}${name}`;
}
