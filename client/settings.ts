// The extension's settings, read through one typed accessor: the section names and defaults are
// written here once (package.json's `configuration` declares the same keys for the UI), and
// `changed` says which of them an onDidChangeConfiguration event touched.
import * as vscode from 'vscode';
import { SETTINGS_SECTION } from '../protocol/lsp-settings';

const RUNTIME_SECTION = 'openrtc.runtime';

export interface ExtensionSettings {
  /** openrtc.runtime.nodePath: Node for the bundled runtime; empty = node on PATH, else VS Code's own. */
  nodePath: string;
  /** openrtc.runtime.socket: a runtime (or Python top.sock) to attach to. */
  socket: string;
  /** openrtc.runtime.autoStart: start the bundled runtime when a workspace with openrtc.json opens. */
  autoStart: boolean;
  /** openrtc.diagnostics.enable: run the language server (static blocking-call diagnostics). */
  diagnosticsEnabled: boolean;
  /** openrtc.diagnostics.observedBlocking: show the runtime's observed blocks as diagnostics. */
  observedBlocking: boolean;
}

const KEYS: Record<keyof ExtensionSettings, string> = {
  nodePath: `${RUNTIME_SECTION}.nodePath`,
  socket: `${RUNTIME_SECTION}.socket`,
  autoStart: `${RUNTIME_SECTION}.autoStart`,
  diagnosticsEnabled: `${SETTINGS_SECTION}.enable`,
  observedBlocking: `${SETTINGS_SECTION}.observedBlocking`,
};

export function readSettings(): ExtensionSettings {
  const runtime = vscode.workspace.getConfiguration(RUNTIME_SECTION);
  const diagnostics = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  return {
    nodePath: runtime.get<string>('nodePath', ''),
    socket: runtime.get<string>('socket', ''),
    autoStart: runtime.get<boolean>('autoStart', false),
    diagnosticsEnabled: diagnostics.get<boolean>('enable', true),
    observedBlocking: diagnostics.get<boolean>('observedBlocking', true),
  };
}

/** Whether `event` changed the setting behind `key`. */
export function changed(event: vscode.ConfigurationChangeEvent, key: keyof ExtensionSettings): boolean {
  return event.affectsConfiguration(KEYS[key]);
}
