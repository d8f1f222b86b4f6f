/// <reference types="mocha" />
// Attaching to sockets that are not a healthy runtime of ours: a Python OpenRTC top.sock (a
// real Unix socket speaking Python's one-line protocol), a path with nothing behind it, and a
// stale socket file whose process died.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { tenantNodeId, workerNodeId } from '../../../client/model/tree-model';
import { api, waitFor } from './helpers';

function pythonTopServer(path: string): Promise<Server> {
  const payload = {
    worker: {
      name: 'py-worker-1',
      uptime_s: 42,
      active_sessions: 2,
      max_sessions: 50,
      started: 9,
      failed: 1,
      saved_bytes: 0,
      draining: false,
      system: { available: false },
      cpu_history: [],
    },
    sessions: [
      {
        session_id: 'AJ_py_1',
        agent_name: 'dental',
        tenant: 'acme',
        duration_s: 12.5,
        mem_mb: 30,
        peak_mb: 31,
        cpu_pct: 3.2,
        status: 'active',
        pinned: false,
      },
      {
        session_id: 'AJ_py_2',
        agent_name: 'dental',
        tenant: 'globex',
        duration_s: 4,
        mem_mb: 30,
        peak_mb: 30,
        cpu_pct: 40,
        status: 'slow',
        pinned: false,
      },
    ],
  };
  return new Promise((resolve) => {
    // Like OpenRTC's introspection server: write one JSON line, close, never read.
    const server = createServer((socket) => socket.end(`${JSON.stringify(payload)}\n`, () => socket.destroy()));
    server.listen(path, () => resolve(server));
  });
}

export function attachSpecs(): void {
  suite('attach', () => {
    let dir: string;
    suiteSetup(() => {
      dir = mkdtempSync(join(tmpdir(), 'openrtc-attach-'));
    });
    suiteTeardown(() => rmSync(dir, { recursive: true, force: true }));

    test('a Python OpenRTC top.sock shows as a worker with its tenants and sessions', async () => {
      const { controller } = await api();
      const path = join(dir, 'top.sock');
      const server = await pythonTopServer(path);
      try {
        const attached = await vscode.commands.executeCommand<string | undefined>('openrtc.attachRuntime', path);
        assert.equal(attached, path);
        const worker = await waitFor('the Python worker to connect', () => {
          const w = controller.model.worker(path);
          return w?.connection === 'connected' && w.summary ? w : undefined;
        });
        assert.equal(worker.kind, 'python');
        const now = Date.now();
        const node = controller.model.nodeById(workerNodeId(path), now);
        assert.equal(node?.label, 'py-worker-1');
        const tenants = controller.model.children(node, now).map((t) => t.label);
        assert.deepEqual(tenants, ['acme', 'globex']);
        const globex = controller.model.nodeById(tenantNodeId(path, 'globex'), now);
        assert.match(globex?.description ?? '', /1 slow/);
        assert.equal(globex?.contextValue, 'openrtc.tenant.readonly', 'no cap/isolate actions on a Python worker');
      } finally {
        controller.unwatch(path);
        await new Promise((r) => server.close(r));
      }
    });

    test('a path with no runtime gives a clear message and watches nothing', async () => {
      const { controller } = await api();
      const path = join(dir, 'nobody-here.sock');
      const before = controller.model.allWorkers().length;
      const attached = await vscode.commands.executeCommand<string | undefined>('openrtc.attachRuntime', path);
      assert.equal(attached, undefined);
      assert.equal(controller.model.allWorkers().length, before);
    });

    test('a stale socket (its runtime died) shows as disconnected with the reason, then recovers when a runtime comes back', async () => {
      const { controller } = await api();
      const path = join(dir, 'stale.sock');
      // A real process binds the socket and is killed, leaving the file with nobody listening.
      const child = spawn(
        process.execPath,
        ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`],
        {
          env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      assert.ok(existsSync(path), 'the socket file outlives its process');
      try {
        await vscode.commands.executeCommand('openrtc.attachRuntime', path);
        const worker = await waitFor('the worker to show disconnected', () => {
          const w = controller.model.worker(path);
          return w?.connection === 'disconnected' ? w : undefined;
        });
        assert.match(worker.problem ?? '', /refused the connection.*stale socket/);
        rmSync(path);
        const server = await pythonTopServer(path);
        try {
          await waitFor(
            'the worker to reconnect once something listens again',
            () => controller.model.worker(path)?.connection === 'connected',
            15_000,
          );
        } finally {
          await new Promise((r) => server.close(r));
        }
      } finally {
        controller.unwatch(path);
      }
    });
  });
}
