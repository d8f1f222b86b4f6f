// OpenRTC: Start / Stop / Restart / Attach Runtime, and detaching a watched worker.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import type { TreeNode } from '../model/tree-model';
import type { RuntimeManager } from '../runtime/runtime-manager';
import { defaultSocketDir } from '../../protocol/socket-path';
import { readSettings } from '../settings';
import type { CommandHandlers } from './register';

/** Sockets in the per-user directory: ours (*.sock) and Python OpenRTC's top.sock. */
function knownSockets(): string[] {
  const dir = defaultSocketDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((p) => {
      try {
        return statSync(p).isSocket();
      } catch {
        return false;
      }
    });
}

export function runtimeCommandHandlers(controller: Controller, runtime: RuntimeManager) {
  return {
    startRuntime: () => runtime.start(),
    stopRuntime: () => runtime.stop(),
    restartRuntime: () => runtime.restart(),
    attachRuntime: async (socketArg?: string) => {
      let socketPath = typeof socketArg === 'string' ? socketArg : undefined;
      if (!socketPath) {
        const configured = readSettings().socket;
        const picks = [...new Set([configured, ...knownSockets()].filter(Boolean))];
        const typed = 'Type a socket path…';
        const pick = picks.length
          ? await vscode.window.showQuickPick([...picks, typed], {
              title: 'Attach to an OpenRTC runtime or Python top.sock',
            })
          : typed;
        if (!pick) return undefined;
        socketPath =
          pick === typed
            ? await vscode.window.showInputBox({
                title: 'Socket path of a running OpenRTC runtime or a Python OpenRTC top.sock',
                validateInput: (v) => (v.startsWith('/') ? null : 'An absolute path to a Unix socket'),
              })
            : pick;
      }
      if (!socketPath) return undefined;
      if (!existsSync(socketPath)) {
        void vscode.window.showErrorMessage(
          `OpenRTC: nothing at ${socketPath}. Is the runtime running? Start one with "OpenRTC: Start Runtime" or \`openrtc run\`.`,
        );
        return undefined;
      }
      controller.watch(socketPath, socketPath.split('/').pop() ?? socketPath, 'attached');
      return socketPath;
    },
    detachWorker: (node?: TreeNode) => {
      if (node?.kind !== 'worker') return;
      if (node.workerId === runtime.bundledSocket) return runtime.stop();
      controller.unwatch(node.workerId);
      return undefined;
    },
  } satisfies Partial<CommandHandlers>;
}
