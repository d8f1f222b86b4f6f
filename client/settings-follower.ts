// Applies the settings that act on start-up, at activation and again whenever they change, so
// none needs a window reload: openrtc.diagnostics.enable starts or stops the language server,
// openrtc.runtime.socket re-attaches, openrtc.runtime.autoStart starts the runtime when turned on.
import * as vscode from 'vscode';
import type { Controller } from './controller';
import type { DiagnosticsClient } from './lsp/language-client';
import type { RuntimeManager } from './runtime/runtime-manager';
import { changed, readSettings } from './settings';

export class SettingsFollower implements vscode.Disposable {
  /** The socket attached because openrtc.runtime.socket named it (detached when the setting changes). */
  private attached = '';
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly controller: Controller,
    private readonly runtime: RuntimeManager,
    private readonly diagnostics: DiagnosticsClient,
    private readonly report: (err: unknown) => void,
  ) {
    this.applyDiagnostics();
    this.applySocket();
    this.applyAutoStart();
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (changed(e, 'diagnosticsEnabled')) this.applyDiagnostics();
      if (changed(e, 'socket')) this.applySocket();
      if (changed(e, 'autoStart')) this.applyAutoStart();
    });
  }

  private applyDiagnostics(): void {
    // Not awaited: activation stays quick; the server comes up in the background.
    void (readSettings().diagnosticsEnabled ? this.diagnostics.start() : this.diagnostics.stop());
  }

  private applySocket(): void {
    const socket = readSettings().socket;
    if (socket === this.attached) return;
    if (this.attached) this.controller.unwatch(this.attached);
    this.attached = socket;
    if (socket) this.controller.watch(socket, socket.split('/').pop() ?? socket, 'attached');
  }

  private applyAutoStart(): void {
    if (!readSettings().autoStart || this.runtime.running || !this.runtime.workspaceFolder()) return;
    this.runtime.start().catch(this.report);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
