// The language client for dist/server.js (IPC). Settings under openrtc.diagnostics.* reach
// the server through workspace/configuration (protocol/lsp-settings.ts).
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { SETTINGS_SECTION } from '../../protocol/lsp-settings';

export const LANGUAGES = ['python', 'typescript', 'javascript', 'typescriptreact', 'javascriptreact'];

export async function startLanguageClient(
  context: vscode.ExtensionContext,
  output: vscode.OutputChannel,
): Promise<LanguageClient | undefined> {
  const module = context.asAbsolutePath('dist/server.js');
  if (!existsSync(module)) {
    output.appendLine(`language server missing at ${module}; blocking-call diagnostics are off`);
    return undefined;
  }
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.map((language) => ({ scheme: 'file', language })),
    synchronize: { configurationSection: SETTINGS_SECTION },
  };
  const client = new LanguageClient('openrtc', 'OpenRTC blocking-call diagnostics', serverOptions, clientOptions);
  await client.start();
  context.subscriptions.push(client);
  return client;
}
