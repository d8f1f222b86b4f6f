// The language server's LSP surface: document sync, pull diagnostics (document and
// workspace) with a push fallback, settings, watched files, code actions. One method per
// handler; the DiagnosticsService holds the state they share. Every handler is guarded so
// one bad input answers empty instead of killing the server.
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  TextDocumentSyncKind,
  type CancellationToken,
  type CodeAction,
  type CodeActionParams,
  type Connection,
  type DidChangeWatchedFilesParams,
  type DocumentDiagnosticParams,
  type DocumentDiagnosticReport,
  type InitializeParams,
  type InitializeResult,
  type TextDocumentChangeEvent,
  type WorkspaceDiagnosticParams,
  type WorkspaceDiagnosticReport,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { SETTINGS_SECTION } from '../../protocol/lsp-settings';
import { DiagnosticsService, type ServerOptions } from './diagnostics-service';
import { guarded, type Log } from './guard';
import { watchedFilesGlob } from './languages';
import { layoutFilesGlob } from '../project/load-layout';
import { pathOfUri } from './uris';

export type { ServerOptions } from './diagnostics-service';

/** initializationOptions.settleMs: how long a diagnostic pull waits for newer edits (default 0: one event-loop turn). */
function settleMsOf(params: InitializeParams): number {
  const options: unknown = params.initializationOptions;
  const value =
    typeof options === 'object' && options !== null ? (options as Record<string, unknown>)['settleMs'] : undefined;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1000 ? value : 0;
}

/** The workspace folders, or the root URI of a client that sends no folders. */
function rootsOf(params: InitializeParams): string[] {
  const uris = params.workspaceFolders ? params.workspaceFolders.map((f) => f.uri) : [params.rootUri];
  return uris.map((uri) => (uri ? pathOfUri(uri) : null)).filter((p): p is string => p !== null);
}

class LanguageServer {
  private configurationSupport = false;

  constructor(
    private readonly connection: Connection,
    private readonly service: DiagnosticsService,
  ) {}

  initialize(params: InitializeParams): InitializeResult {
    const caps = params.capabilities;
    this.configurationSupport = caps.workspace?.configuration === true;
    this.service.open(rootsOf(params), {
      pull: caps.textDocument?.diagnostic !== undefined,
      refreshSupport: caps.workspace?.diagnostics?.refreshSupport === true,
      settleMs: settleMsOf(params),
    });
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        diagnosticProvider: { identifier: 'openrtc', interFileDependencies: true, workspaceDiagnostics: true },
      },
      serverInfo: { name: 'openrtc-language-server' },
    };
  }

  async initialized(): Promise<void> {
    if (this.configurationSupport) {
      await this.connection.client
        .register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION })
        .catch(() => undefined);
    }
    await this.connection.client
      .register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: watchedFilesGlob }, { globPattern: layoutFilesGlob }],
      })
      .catch(() => undefined);
    await this.loadSettings();
    this.service.announceAll();
  }

  async didChangeConfiguration(): Promise<void> {
    await this.loadSettings();
    this.service.announceAll();
  }

  didChangeWatchedFiles(params: DidChangeWatchedFilesParams): Promise<void> {
    return this.service.diskChanged(params.changes);
  }

  didChangeContent(event: TextDocumentChangeEvent<TextDocument>): void {
    this.service.edited(event.document.uri);
  }

  didClose(event: TextDocumentChangeEvent<TextDocument>): Promise<void> {
    return this.service.closed(event.document.uri);
  }

  documentDiagnostic(params: DocumentDiagnosticParams, token: CancellationToken): Promise<DocumentDiagnosticReport> {
    return this.service.documentReport(params, token);
  }

  workspaceDiagnostic(params: WorkspaceDiagnosticParams, token: CancellationToken): Promise<WorkspaceDiagnosticReport> {
    return this.service.workspaceReport(params, token);
  }

  codeAction(params: CodeActionParams): Promise<CodeAction[]> {
    return this.service.codeActions(params);
  }

  private async loadSettings(): Promise<void> {
    if (!this.configurationSupport) return;
    const raw: unknown = await this.connection.workspace.getConfiguration(SETTINGS_SECTION);
    for (const p of await this.service.applySettings(raw))
      this.connection.window.showWarningMessage(`OpenRTC settings: ${p}`);
  }
}

export function startServer(connection: Connection, options: ServerOptions): void {
  const log: Log = (message) => connection.console.error(message);
  const service = new DiagnosticsService(connection, options, log);
  const server = new LanguageServer(connection, service);
  const { documents } = service;
  connection.onInitialize((params) => server.initialize(params));
  connection.onInitialized(guarded(log, 'initialized', undefined, () => server.initialized()));
  connection.onDidChangeConfiguration(
    guarded(log, 'didChangeConfiguration', undefined, () => server.didChangeConfiguration()),
  );
  // Disk reads run in order, and answers wait for them (see DiagnosticsService.queueDiskWork).
  connection.onDidChangeWatchedFiles((params) =>
    service.queueDiskWork(guarded(log, 'didChangeWatchedFiles', undefined, () => server.didChangeWatchedFiles(params))),
  );
  documents.onDidChangeContent((event) => server.didChangeContent(event));
  documents.onDidClose((event) =>
    service.queueDiskWork(guarded(log, 'didClose', undefined, () => server.didClose(event))),
  );
  connection.languages.diagnostics.on(
    guarded(log, 'textDocument/diagnostic', { kind: DocumentDiagnosticReportKind.Full, items: [] }, (params, token) =>
      server.documentDiagnostic(params, token),
    ),
  );
  connection.languages.diagnostics.onWorkspace(
    guarded(log, 'workspace/diagnostic', { items: [] }, (params, token) => server.workspaceDiagnostic(params, token)),
  );
  connection.onCodeAction(guarded(log, 'textDocument/codeAction', [], (params) => server.codeAction(params)));
  documents.listen(connection);
  connection.listen();
}
