// Start/stop/restart the bundled runtime for the workspace, and attach to other sockets.
import { accessSync, chmodSync, constants, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { defaultSocketPath } from '../../protocol/socket-path';
import { chooseNode, RuntimeProcess } from './runtime-process';

export class RuntimeManager implements vscode.Disposable {
  private process: RuntimeProcess | null = null;
  private socketPath: string | null = null;
  private stopping = false;

  constructor(
    private readonly controller: Controller,
    private readonly extensionPath: string,
    private readonly output: vscode.OutputChannel,
  ) {}

  get running(): boolean {
    return this.process?.running ?? false;
  }

  get bundledSocket(): string | null {
    return this.socketPath;
  }

  /** The folder holding openrtc.json (the first workspace folder that has one, else the first folder). */
  workspaceFolder(): string | undefined {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const withConfig = folders.find((f) => f.uri.scheme === 'file' && existsSync(join(f.uri.fsPath, 'openrtc.json')));
    return (withConfig ?? folders.find((f) => f.uri.scheme === 'file'))?.uri.fsPath;
  }

  async start(): Promise<string> {
    if (this.process?.running && this.socketPath) return this.socketPath;
    const workspace = this.workspaceFolder();
    if (!workspace)
      throw new Error('Open a folder first: the runtime runs the agents of a workspace folder (with openrtc.json).');
    const configured = vscode.workspace.getConfiguration('openrtc.runtime').get<string>('nodePath', '');
    const node = chooseNode(configured, process.env.PATH, process.execPath);
    // The workspace's one socket, the same the CLI resolves in that folder (protocol/socket-path.ts).
    const socketPath = defaultSocketPath(workspace);
    this.ensureEsbuildExecutable();
    this.output.appendLine(
      `starting the runtime: ${node.describe} dist/cli.js run ${workspace} --socket ${socketPath}`,
    );
    this.stopping = false;
    this.process = new RuntimeProcess({
      node,
      cliPath: join(this.extensionPath, 'dist', 'cli.js'),
      workspace,
      socketPath,
      onOutput: (text) => this.output.append(text),
      onExit: (code, signal) => {
        this.output.appendLine(`runtime exited (${signal ?? `code ${code}`})`);
        if (!this.stopping) {
          void vscode.window
            .showWarningMessage(
              `The OpenRTC runtime exited unexpectedly (${signal ?? `code ${code}`}). See the OpenRTC output for why.`,
              'Show Output',
            )
            .then((pick) => {
              if (pick) this.output.show();
            });
        }
      },
    });
    this.socketPath = socketPath;
    const connection = this.controller.watch(
      socketPath,
      `${workspace.split('/').pop() ?? 'runtime'} (bundled)`,
      'bundled',
    );
    connection.reconnectNow();
    return socketPath;
  }

  /**
   * The runtime transpiles agents with the esbuild binary shipped in dist/bin; a .vsix (a zip)
   * does not always keep the executable bit, so restore it once.
   */
  private ensureEsbuildExecutable(): void {
    const binary = join(this.extensionPath, 'dist', 'bin', 'esbuild');
    if (!existsSync(binary)) return;
    try {
      accessSync(binary, constants.X_OK);
    } catch {
      chmodSync(binary, 0o755);
      this.output.appendLine(`made ${binary} executable (the package lost its mode)`);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.process?.stop();
    this.process = null;
    if (this.socketPath) this.controller.unwatch(this.socketPath);
    this.socketPath = null;
  }

  async restart(): Promise<string> {
    await this.stop();
    return this.start();
  }

  dispose(): void {
    void this.stop();
  }
}
