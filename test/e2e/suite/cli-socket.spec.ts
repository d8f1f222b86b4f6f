/// <reference types="mocha" />
// One socket per workspace (issue 11, item 1): `openrtc snapshot` typed in the workspace folder,
// with no --socket and no $OPENRTC_SOCKET, reaches the runtime the extension started. Registered
// inside the runtime suite, which has started it.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RuntimeSnapshot } from '../../../protocol/control';
import { chooseNode } from '../../../client/runtime/runtime-process';
import { api, EXTENSION_ID } from './helpers';

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(cliPath: string, args: string[], cwd: string): Promise<CliResult> {
  const node = chooseNode('', process.env.PATH, process.execPath);
  const env: NodeJS.ProcessEnv = { ...process.env, ...node.env };
  delete env.OPENRTC_SOCKET;
  return new Promise((resolve, reject) => {
    const child = spawn(node.command, [cliPath, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function cliSocketTests(): void {
  test('`openrtc snapshot` in the workspace folder answers from the runtime the extension started', async function () {
    this.timeout(30_000);
    const { runtime, controller } = await api();
    const socket = runtime.bundledSocket;
    const workspace = runtime.workspaceFolder();
    assert.ok(socket && workspace, 'the runtime suite has started the runtime');
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    const result = await runCli(join(extension.extensionPath, 'dist', 'cli.js'), ['snapshot', '--json'], workspace);
    assert.equal(result.code, 0, `openrtc snapshot failed: ${result.stderr}`);
    const fromCli = JSON.parse(result.stdout) as RuntimeSnapshot;
    const fromExtension = await controller.control(socket)?.request('snapshot');
    assert.ok(fromExtension, 'the extension is connected');
    // No calls run between the two reads, so the same runtime gives the same counts.
    assert.equal(fromCli.total_sessions_started, fromExtension.total_sessions_started);
    assert.deepEqual(Object.keys(fromCli.tenants).sort(), Object.keys(fromExtension.tenants).sort());
    assert.ok(fromExtension.uptime_seconds >= fromCli.uptime_seconds, 'the same process, read a moment later');
  });
}
