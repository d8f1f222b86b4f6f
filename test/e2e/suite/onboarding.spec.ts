/// <reference types="mocha" />
// Onboarding a Tenant against the running runtime (registered inside the runtime suite):
// bad input writes nothing; a good run edits openrtc.json keeping comments and verifies.
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { VerifyCheck } from '../../../client/runbooks/onboarding';
import { waitFor, workspaceRoot } from './helpers';

const configPath = (): string => join(workspaceRoot(), 'openrtc.json');

export function onboardingTests(): void {
  test('onboarding: an invalid tenant id is refused and openrtc.json is not touched', async () => {
    const before = readFileSync(configPath(), 'utf8');
    const result = await vscode.commands.executeCommand('openrtc.runbook.onboardTenant', {
      tenant: 'bad tenant!',
      cap: '3',
      agent: 'reception',
    });
    assert.equal(result, undefined);
    assert.equal(readFileSync(configPath(), 'utf8'), before);
  });

  test('onboarding: a broken openrtc.json is refused with nothing written', async () => {
    const original = readFileSync(configPath(), 'utf8');
    const broken = original.replace('"agents": "agents/",', '"agents": "agents/",,');
    writeFileSync(configPath(), broken);
    try {
      const result = await vscode.commands.executeCommand('openrtc.runbook.onboardTenant', {
        tenant: 'dental-co',
        cap: '3',
        agent: 'reception',
      });
      assert.equal(result, undefined);
      assert.equal(readFileSync(configPath(), 'utf8'), broken);
    } finally {
      writeFileSync(configPath(), original);
      // The editor's copy of the file follows the disk through the file watcher.
      await waitFor(
        'the restored openrtc.json in the editor',
        async () => (await vscode.workspace.openTextDocument(vscode.Uri.file(configPath()))).getText() === original,
      );
    }
  });

  test('onboarding: a new tenant is written with comments kept, reloaded, called and verified', async () => {
    const checks = await vscode.commands.executeCommand<VerifyCheck[]>('openrtc.runbook.onboardTenant', {
      tenant: 'dental-co',
      cap: '3',
      agent: 'reception',
    });
    assert.ok(checks, 'the runbook ran to the end');
    for (const c of checks) assert.ok(c.ok, `${c.name}: ${c.evidence}`);
    const text = readFileSync(configPath(), 'utf8');
    assert.match(text, /"dental-co": 3/);
    assert.match(text, /\/\/ Fixture workspace for the end-to-end tests/);
  });
}
