// The language client for dist/server.js (IPC), started and stopped as openrtc.diagnostics.enable
// says. Settings under openrtc.diagnostics.* reach the server through workspace/configuration
// (protocol/lsp-settings.ts): the server registers for didChangeConfiguration itself, so the
// client does not also synchronise the section (that sent every change twice).
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { messageOf } from '../../protocol/errors';

export const LANGUAGES = ['python', 'typescript', 'javascript', 'typescriptreact', 'javascriptreact'];

export class DiagnosticsClient {
  private client: LanguageClient | null = null;
  /** Start and stop run one after the other, so a quick off-on never leaves two servers. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.OutputChannel,
  ) {}

  start(): Promise<void> {
    return this.enqueue(async () => {
      if (this.client) return;
      const module = this.context.asAbsolutePath('dist/server.js');
      if (!existsSync(module)) {
        this.output.appendLine(`language server missing at ${module}; blocking-call diagnostics are off`);
        return;
      }
      const serverOptions: ServerOptions = {
        run: { module, transport: TransportKind.ipc },
        debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
      };
      const clientOptions: LanguageClientOptions = {
        documentSelector: LANGUAGES.map((language) => ({ scheme: 'file', language })),
      };
      const client = new LanguageClient('openrtc', 'OpenRTC blocking-call diagnostics', serverOptions, clientOptions);
      this.client = client;
      await client.start();
    });
  }

  /** Resolves once the server has shut down (or was never running). */
  stop(): Promise<void> {
    return this.enqueue(async () => {
      const client = this.client;
      this.client = null;
      if (client) await client.stop();
    });
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this.queue = this.queue
      .then(step)
      .catch((err: unknown) => this.output.appendLine(`language server: ${messageOf(err)}`));
    return this.queue;
  }
}
