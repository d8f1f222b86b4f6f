// Workspace trust: in Restricted Mode the extension reads code (the language server's diagnostics)
// but runs none of it. Starting the runtime runs the workspace's agents, and attaching to a socket
// named by (possibly workspace-supplied) settings talks to whatever listens there, so both are refused.
import * as vscode from 'vscode';

export type TrustedAction = 'start' | 'attach';

/** The refusal shown for `action` in Restricted Mode: it says why and how to lift it. */
export function untrustedMessage(action: TrustedAction): string {
  const what =
    action === 'start'
      ? "the runtime runs this workspace's agent code"
      : 'attaching connects to a runtime socket this workspace may have named';
  return (
    `cannot ${action === 'start' ? 'start' : 'attach to'} a runtime in Restricted Mode: ${what}. ` +
    'Diagnostics still work. Trust the workspace (Workspaces: Manage Workspace Trust) to run it.'
  );
}

/** Throws the refusal when the workspace is not trusted. */
export function requireTrust(action: TrustedAction): void {
  if (!vscode.workspace.isTrusted) throw new Error(untrustedMessage(action));
}
