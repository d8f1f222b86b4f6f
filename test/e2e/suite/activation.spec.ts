/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, api } from './helpers';

export function activationSpecs(): void {
  suite('activation', () => {
    test('activates on a workspace with openrtc.json and registers every command', async () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(ext, 'extension is loaded');
      const exports = await api();
      assert.ok(exports.controller, 'API exposes the controller');
      const commands = await vscode.commands.getCommands(true);
      const contributed = (
        ext.packageJSON as { contributes: { commands: Array<{ command: string }> } }
      ).contributes.commands.map((c) => c.command);
      const missing = contributed.filter((c) => !commands.includes(c));
      assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
    });
  });
}
