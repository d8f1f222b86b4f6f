// Start/stop/restart the bundled runtime for the workspace, and attach to other sockets.
import { accessSync, chmodSync, constants, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { defaultSocketPath } from '../../protocol/socket-path';
import { readSettings } from '../settings';
import { chooseNode, RuntimeProcess, type NodeChoice } from './runtime-process';
import { findConfigFolder, type FolderView } from './workspace-config';

const localFolders: FolderView = {
  hasFile: (path) => existsSync(path),
  subdirectories: (path) => {
    try {
      return readdirSync(path, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name);
    } catch {
      return [];
    }
  },
  join,
};

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

  /** The folder holding openrtc.json (at a workspace folder's root or one level down), else the first folder. */
  workspaceFolder(): string | undefined {
    const roots = (vscode.workspace.workspaceFolders ?? [])
      .filter((f) => f.uri.scheme === 'file')
      .map((f) => f.uri.fsPath);
    return findConfigFolder(roots, localFolders) ?? roots[0];
  }

  /** How to run Node for the runtime and the CLI (openrtc.runtime.nodePath, else PATH, else VS Code's). */
  nodeChoice(): NodeChoice {
    return chooseNode(readSettings().nodePath, process.env.PATH, process.execPath);
  }

  async start(): Promise<string> {
    if (this.process?.running && this.socketPath) return this.socketPath;
    const workspace = this.workspaceFolder();
    if (!workspace)
      throw new Error('Open a folder first: the runtime runs the agents of a workspace folder (with openrtc.json).');
    const node = this.nodeChoice();
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
