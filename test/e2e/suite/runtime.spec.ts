/// <reference types="mocha" />
// The bundled runtime on the fixture workspace (test/e2e/workspace), driven through the
// extension's commands; every figure checked comes back from the real runtime.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { StartCallsResult, TenantSnapshot } from '../../../protocol/control';
import { OBSERVED_BLOCKING_CODE } from '../../../protocol/lsp-settings';
import { tenantNodeId, workerNodeId } from '../../../client/model/tree-model';
import { api, waitFor, workspaceRoot } from './helpers';
import { cliSocketTests } from './cli-socket.spec';
import { onboardingTests } from './onboarding.spec';

export function runtimeSpecs(): void {
  suite('bundled runtime', () => {
    let socket: string;

    suiteSetup(async function () {
      this.timeout(60_000);
      const { runtime, controller } = await api();
      socket = await runtime.start();
      await waitFor(
        'the runtime to connect',
        () => controller.model.worker(socket)?.connection === 'connected',
        45_000,
      );
    });

    suiteTeardown(async () => {
      const { runtime } = await api();
      await runtime.stop();
    });

    test('the runtime starts on the fixture workspace and the tree shows its tenants after test calls', async () => {
      const { controller } = await api();
      const calls = await vscode.commands.executeCommand<StartCallsResult>('openrtc.startTestCalls', undefined, {
        agent: 'reception',
        tenant: 'acme',
        say: ['hello', 'bye'],
        count: 2,
        wait: true,
      });
      assert.equal(calls?.succeeded, 2);
      const now = Date.now();
      const worker = await waitFor('acme in the tree', () => {
        const w = controller.model.nodeById(workerNodeId(socket), Date.now());
        return w && controller.model.children(w, now).some((t) => t.label === 'acme') ? w : undefined;
      });
      assert.match(worker.description, /sessions · lag p99/);
      assert.match(
        controller.model.nodeById(tenantNodeId(socket, 'acme'), Date.now())?.description ?? '',
        /^closed · \d\/5/,
      );
    });

    test("the failing tenant's breaker turns open", async () => {
      const { controller } = await api();
      const calls = await vscode.commands.executeCommand<StartCallsResult>('openrtc.startTestCalls', undefined, {
        agent: 'flaky',
        tenant: 'globex',
        count: 4,
        concurrency: 1,
        wait: true,
      });
      assert.ok((calls?.failed ?? 0) >= 3, `failed: ${calls?.failed}`);
      const node = await waitFor('globex breaker open in the tree', () => {
        const n = controller.model.nodeById(tenantNodeId(socket, 'globex'), Date.now());
        return n?.description.startsWith('open · retry in') ? n : undefined;
      });
      assert.equal(node.icon.id, 'error');
      assert.match(node.tooltip, /breaker: open/);
    });

    test('setting a cap through the command changes the snapshot', async () => {
      const { controller } = await api();
      const node = controller.model.nodeById(tenantNodeId(socket, 'acme'), Date.now());
      assert.ok(node, 'acme is in the tree');
      const result = await vscode.commands.executeCommand<TenantSnapshot>('openrtc.setTenantCap', node, 2);
      assert.equal(result?.cap, 2);
      const client = controller.control(socket);
      assert.ok(client);
      const snapshot = await client.request('snapshot');
      assert.equal(snapshot.tenants.acme?.cap, 2);
      await waitFor('the tree to show the new cap', () =>
        controller.model.nodeById(tenantNodeId(socket, 'acme'), Date.now())?.description.includes('0/2'),
      );
    });

    test('an invalid tenant id in a test call is refused with nothing started', async () => {
      const { controller } = await api();
      const before = (await controller.control(socket)?.request('snapshot'))?.total_sessions_started;
      const result = await vscode.commands.executeCommand('openrtc.startTestCalls', undefined, {
        agent: 'reception',
        tenant: 'bad tenant!',
        count: 1,
        wait: true,
      });
      assert.equal(result, undefined);
      const after = (await controller.control(socket)?.request('snapshot'))?.total_sessions_started;
      assert.equal(after, before);
    });

    test('a slow session becomes a diagnostic on its source line', async function () {
      this.timeout(45_000);
      const { controller } = await api();
      const seen: string[] = [];
      const sub = controller.onEvent((_w, e) => {
        if (e.type === 'slow_session')
          seen.push(`${e.blocked_ms}ms ${e.frames.map((f) => `${f.file}:${f.line}`).join(' < ')}`);
      });
      try {
        await vscode.commands.executeCommand('openrtc.startTestCalls', undefined, {
          agent: 'slowpoke',
          tenant: 'initech',
          say: ['one', 'two', 'three'],
          count: 2,
          concurrency: 1,
          wait: true,
        });
        const file = vscode.Uri.file(join(workspaceRoot(), 'agents', 'slowpoke.ts'));
        const diagnostic = await waitFor(
          'the observed-blocking diagnostic',
          () => vscode.languages.getDiagnostics(file).find((d) => d.code === OBSERVED_BLOCKING_CODE),
          25_000,
        ).catch((err: Error) => {
          throw new Error(`${err.message}; slow events seen: ${seen.join(' | ') || 'none'}`);
        });
        assert.match(diagnostic.message, /Observed blocking the event loop for \d+ ms/);
        const lineText = (await vscode.workspace.openTextDocument(file)).lineAt(diagnostic.range.start.line).text;
        assert.match(lineText, /crunch\(300\)|while \(Date\.now\(\) < until\)/);
      } finally {
        sub.dispose();
      }
    });

    test('isolating a tenant moves it to its own process, restoring brings it back', async () => {
      const { controller } = await api();
      const node = controller.model.nodeById(tenantNodeId(socket, 'acme'), Date.now());
      const isolated = await vscode.commands.executeCommand<TenantSnapshot>('openrtc.isolateTenant', node);
      assert.equal(isolated?.isolation, 'process');
      await waitFor(
        'the tree to show acme isolated',
        () =>
          controller.model.nodeById(tenantNodeId(socket, 'acme'), Date.now())?.contextValue ===
          'openrtc.tenant.process',
      );
      const calls = await vscode.commands.executeCommand<StartCallsResult>('openrtc.startTestCalls', undefined, {
        agent: 'reception',
        tenant: 'acme',
        say: ['hi'],
        count: 1,
        wait: true,
      });
      assert.equal(calls?.succeeded, 1, 'an isolated tenant still takes calls');
      const restored = await vscode.commands.executeCommand<TenantSnapshot>('openrtc.restoreTenant', node);
      assert.equal(restored?.isolation, 'coroutine');
    });

    test('the tenant logs open as a highlighted, scoped virtual document', async () => {
      const { controller } = await api();
      const node = controller.model.nodeById(tenantNodeId(socket, 'globex'), Date.now());
      const editor = await vscode.commands.executeCommand<vscode.TextEditor>('openrtc.showTenantLogs', node);
      assert.ok(editor);
      assert.equal(editor.document.languageId, 'openrtc-log');
      const text = editor.document.getText();
      assert.match(text, /tenant=globex/);
      assert.doesNotMatch(text, /tenant=acme/);
      // An open view follows the log (globex's breaker is open, so follow acme's): a new call's
      // lines appear without reopening it, and the other view stays scoped.
      const acme = await vscode.commands.executeCommand<vscode.TextEditor>(
        'openrtc.showTenantLogs',
        controller.model.nodeById(tenantNodeId(socket, 'acme'), Date.now()),
      );
      const calls = await vscode.commands.executeCommand<StartCallsResult>('openrtc.startTestCalls', undefined, {
        agent: 'reception',
        tenant: 'acme',
        say: ['hi'],
        count: 1,
        wait: true,
      });
      const id = calls?.sessions[0];
      assert.ok(id, 'the call started');
      await waitFor(
        'the open acme log view to show the new session',
        () => acme?.document.getText().includes(`session=${id}`),
        10_000,
      );
      assert.doesNotMatch(editor.document.getText(), /tenant=acme/);
    });

    cliSocketTests();

    onboardingTests();

    test('a runtime that dies shows as disconnected, and the tree reconnects when it is started again', async function () {
      this.timeout(60_000); // a fresh runtime process starts in seconds, slower on a busy machine
      const { controller, runtime } = await api();
      const pid = controller.control(socket)?.hello.pid;
      assert.ok(pid, 'hello carries the runtime pid');
      process.kill(pid, 'SIGKILL');
      const worker = await waitFor('the worker to show disconnected', () => {
        const w = controller.model.worker(socket);
        return w?.connection === 'disconnected' ? w : undefined;
      });
      assert.ok(worker.problem, 'the reason is shown');
      await waitFor('the extension to see the process exit', () => !runtime.running);
      await runtime.start();
      await waitFor(
        'a new runtime on the same socket',
        () => {
          const hello = controller.control(socket)?.hello;
          return hello && hello.pid !== pid && controller.model.worker(socket)?.connection === 'connected';
        },
        45_000,
      );
      assert.match(
        controller.model.nodeById(workerNodeId(socket), Date.now())?.description ?? '',
        /sessions · lag p99/,
      );
    });
  });
}
