/// <reference types="mocha" />
// Shared helpers for the extension-host specs: reach the extension's API, wait for state.
import * as vscode from 'vscode';
import type { OpenRtcApi } from '../../../client/extension';

export const EXTENSION_ID = 'openrtc.openrtc-vscode';

export async function api(): Promise<OpenRtcApi> {
  const ext = vscode.extensions.getExtension<OpenRtcApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  return ext.isActive ? ext.exports : ext.activate();
}

/** Polls `probe` until it returns a value (not undefined/false), or fails with `what`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs}ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the e2e run opens a workspace folder');
  return folder.uri.fsPath;
}
