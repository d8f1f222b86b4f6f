/// <reference types="mocha" />
// Settings that act on start-up take effect when changed, without a window reload
// (client/settings-follower.ts), and deactivate() returns only once the language server and the
// bundled runtime have both stopped. Runs last: the deactivate spec leaves the extension stopped.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { api, EXTENSION_ID, waitFor, workspaceRoot } from './helpers';

const codeOf = (d: vscode.Diagnostic): string | undefined =>
  typeof d.code === 'object' ? String(d.code.value) : d.code === undefined ? undefined : String(d.code);

const settings = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('openrtc');

/** Pids of this extension host's children whose command line mentions `needle`. */
function childrenRunning(needle: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, parentText] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z') continue; // exited, not yet reaped
      const parent = Number(parentText);
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (parent === process.pid && cmdline.includes(needle)) found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

const SERVER = join('dist', 'server.js');

export function settingsSpecs(): void {
  suite('settings apply without a reload', () => {
    const sleepy = (): vscode.Uri => vscode.Uri.file(join(workspaceRoot(), 'src/sleepy.py'));
    const flagged = (): boolean => vscode.languages.getDiagnostics(sleepy()).some((d) => codeOf(d) === 'ORP101');

    teardown(async () => {
      await settings().update('diagnostics.enable', undefined, vscode.ConfigurationTarget.Workspace);
      await settings().update('runtime.autoStart', undefined, vscode.ConfigurationTarget.Workspace);
      await settings().update('runtime.socket', undefined, vscode.ConfigurationTarget.Workspace);
    });

    test('openrtc.diagnostics.enable off stops the language server and clears its findings; on brings them back', async () => {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(sleepy()));
      await waitFor('ORP101 on src/sleepy.py before the change', flagged, 30_000);
      assert.ok(childrenRunning(SERVER).length > 0, 'the language server runs before the change');

      await settings().update('diagnostics.enable', false, vscode.ConfigurationTarget.Workspace);
      await waitFor('the findings to clear', () => !flagged());
      await waitFor('the language server process to end', () => childrenRunning(SERVER).length === 0);

      await settings().update('diagnostics.enable', true, vscode.ConfigurationTarget.Workspace);
      await waitFor('ORP101 back after turning diagnostics on', flagged, 30_000);
      assert.equal(childrenRunning(SERVER).length, 1, 'exactly one language server after off and on');
    });

    test('openrtc.runtime.socket attaches the named socket, and clearing it detaches', async () => {
      const { controller } = await api();
      const socket = join(workspaceRoot(), '.openrtc', 'settings-spec.sock');
      await settings().update('runtime.socket', socket, vscode.ConfigurationTarget.Workspace);
      await waitFor('the named socket to be watched', () => controller.connection(socket) !== undefined);
      await settings().update('runtime.socket', undefined, vscode.ConfigurationTarget.Workspace);
      await waitFor('the named socket to be dropped', () => controller.connection(socket) === undefined);
    });

    test('openrtc.runtime.autoStart turned on starts the stopped runtime', async () => {
      const { runtime } = await api();
      await runtime.stop();
      assert.equal(runtime.running, false);
      await settings().update('runtime.autoStart', true, vscode.ConfigurationTarget.Workspace);
      await waitFor('the runtime to start', () => runtime.running, 30_000);
    });
  });

  suite('deactivate', () => {
    test('deactivate() resolves after the language server and the runtime have both exited', async () => {
      const { runtime } = await api();
      if (!runtime.running) await runtime.start();
      await waitFor('the runtime to run', () => runtime.running, 30_000);
      await waitFor('the language server to run', () => childrenRunning(SERVER).length > 0, 30_000);
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(ext, 'the extension is loaded');
      // The module the extension host loaded (same path, so the same cached instance).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const main = require(join(ext.extensionPath, 'dist', 'extension.js')) as { deactivate(): Promise<void> };
      await main.deactivate();
      assert.equal(runtime.running, false, 'the runtime process has exited when deactivate() resolves');
      assert.deepEqual(childrenRunning(join('dist', 'cli.js')), [], 'no runtime process is left');
      // The client's stop() resolves once the server acknowledged exit; its process ends right after.
      await waitFor('the language server process to end', () => childrenRunning(SERVER).length === 0, 5_000);
    });
  });
}
