// The language server's LSP surface: document sync, pull diagnostics (document and
// workspace) with a push fallback, settings, watched files, code actions. Every handler is
// guarded so one bad input answers empty instead of killing the server.
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  FileChangeType,
  LSPErrorCodes,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type CancellationToken,
  type Connection,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Rule } from '../rules/rule';
import { SETTINGS_SECTION } from '../../protocol/lsp-settings';
import { WorkspaceAnalysis } from '../core/workspace-analysis';
import { AnalysedFiles, type AnalyzeFile } from './analysed-files';
import { codeActionsFor } from './code-actions';
import { sameDiagnostics, toDiagnostic, truncationDiagnostic, uriOfPath } from './diagnostics';
import { languageOfPath, watchedFilesGlob } from './languages';
import { parseDiagnosticsSettings } from './settings';
import { scanWorkspace } from './workspace-scan';

export interface ServerOptions {
  analyze: AnalyzeFile;
  /** Resolves when every front end can analyse (the Python grammar loads asynchronously). */
  ready: Promise<void>;
  catalogue: readonly Rule[];
  /** Text beyond this many characters is not analysed (an Information diagnostic says so). */
  maxFileChars: number;
  /** The start-up scan stops after this many files. */
  maxWorkspaceFiles: number;
}

/** How long a document pull waits for the start-up scan before answering with what it has. */
const scanWaitMs = 2000;

/** Lets queued messages (newer edits) be handled first; 0 ms is one event-loop turn without a timer's 1 ms floor. */
const yieldToEvents = (ms = 0): Promise<void> =>
  new Promise((resolve) => (ms === 0 ? setImmediate(resolve) : setTimeout(resolve, ms)));

function pathOfUri(uri: string): string | null {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : null;
  } catch {
    return null;
  }
}

/** initializationOptions.settleMs: how long a diagnostic pull waits for newer edits (default 0: one event-loop turn). */
function settleMsOf(params: InitializeParams): number {
  const options: unknown = params.initializationOptions;
  const value =
    typeof options === 'object' && options !== null ? (options as Record<string, unknown>)['settleMs'] : undefined;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1000 ? value : 0;
}

export function startServer(connection: Connection, options: ServerOptions): void {
  const documents = new TextDocuments(TextDocument);
  let analysis = new WorkspaceAnalysis([], options.catalogue);
  const log = (message: string): void => connection.console.error(message);
  const isOpen = (filePath: string): boolean => documents.get(uriOfPath(filePath)) !== undefined;
  let files = new AnalysedFiles(analysis, options.analyze, options.maxFileChars, log, isOpen);
  /** Disk reads for watched-file events and closes, in order; answers wait for them so they never see a stale file. */
  let diskWork: Promise<void> = Promise.resolve();
  const queueDiskWork = (work: () => Promise<void>): Promise<void> => (diskWork = diskWork.then(work, work));
  let pull = false;
  let refreshSupport = false;
  let configurationSupport = false;
  let settleMs = 0;
  let scanned: Promise<void> = Promise.resolve();
  let scanDone = true;
  let frontEndsReady = false;
  let settingsGeneration = 0;

  function guard<A extends unknown[], R>(name: string, fallback: R, handler: (...args: A) => R | Promise<R>) {
    return async (...args: A): Promise<R> => {
      try {
        return await handler(...args);
      } catch (error) {
        if (error instanceof ResponseError) throw error;
        log(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        return fallback;
      }
    };
  }

  async function untilReady(): Promise<void> {
    if (frontEndsReady) return;
    try {
      await options.ready;
    } catch (error) {
      log(
        `a front end failed to start; its files get no analysis: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    frontEndsReady = true;
  }

  /** Brings a file's summary up to date with its open document; returns the files that depend on it if it changed. */
  function ensureCurrent(filePath: string, uri: string): Set<string> {
    const doc = documents.get(uri);
    if (doc === undefined || files.isCurrent(filePath, doc.version)) return new Set();
    files.analyseText(filePath, doc.getText(), doc.version);
    return analysis.dependentsOf(filePath);
  }

  function diagnosticsOf(filePath: string): Diagnostic[] {
    const diagnostics = analysis.findings(filePath).map(toDiagnostic);
    const cut = files.truncation(filePath);
    if (cut !== null) diagnostics.push(truncationDiagnostic(cut.analysedChars, cut.totalChars, cut.line));
    return diagnostics;
  }

  /** Any change to any file or to the settings can change a file's findings; nothing else can. */
  function currentResultId(): string {
    return `${analysis.index.version}.${settingsGeneration}`;
  }

  let refreshTimer: NodeJS.Timeout | undefined;
  /** Tells the client that other files' results changed: a refresh in pull mode, a publish in push mode. */
  function announce(paths: Iterable<string>): void {
    if (pull) {
      if (!refreshSupport || refreshTimer !== undefined) return;
      refreshTimer = setTimeout(() => {
        refreshTimer = undefined;
        connection.languages.diagnostics
          .refresh()
          .catch((e: unknown) => log(`diagnostic refresh failed: ${String(e)}`));
      }, 20);
      return;
    }
    for (const p of paths) {
      const uri = uriOfPath(p);
      ensureCurrent(p, uri);
      void connection.sendDiagnostics({ uri, version: documents.get(uri)?.version, diagnostics: diagnosticsOf(p) });
    }
  }

  async function scan(roots: string[]): Promise<void> {
    await untilReady();
    const result = await scanWorkspace(roots, options.maxWorkspaceFiles);
    if (result.truncated)
      log(`workspace scan stopped at ${options.maxWorkspaceFiles} files; files beyond that are analysed when opened`);
    for (const file of result.files) {
      if (documents.get(uriOfPath(file)) === undefined) await files.analyseFromDisk(file);
      await yieldToEvents();
    }
    announce(files.paths());
  }

  async function loadSettings(): Promise<void> {
    if (!configurationSupport) return;
    const raw: unknown = await connection.workspace.getConfiguration(SETTINGS_SECTION);
    const { settings, problems } = parseDiagnosticsSettings(raw);
    for (const p of problems) connection.window.showWarningMessage(`OpenRTC settings: ${p}`);
    // Results stay valid (same resultId) when the settings did not change: the first load after
    // start-up usually finds the defaults, and a client pulling meanwhile should not see a change.
    if (JSON.stringify(settings) !== JSON.stringify(analysis.settings)) settingsGeneration++;
    // Both are applied by the front ends, so a change means analysing every file again.
    const reanalyse =
      settings.moduleLevelIsLoop !== analysis.settings.moduleLevelIsLoop ||
      settings.honourNoqa !== analysis.settings.honourNoqa;
    analysis.settings = settings;
    if (reanalyse) {
      for (const p of files.paths()) {
        const doc = documents.get(uriOfPath(p));
        if (doc !== undefined) files.analyseText(p, doc.getText(), doc.version);
        else await files.analyseFromDisk(p);
      }
    }
  }

  connection.onInitialize((params): InitializeResult => {
    const caps = params.capabilities;
    pull = caps.textDocument?.diagnostic !== undefined;
    refreshSupport = caps.workspace?.diagnostics?.refreshSupport === true;
    configurationSupport = caps.workspace?.configuration === true;
    settleMs = settleMsOf(params);
    const roots = (params.workspaceFolders ?? [])
      .map((f) => pathOfUri(f.uri))
      .concat(params.workspaceFolders ? [] : [params.rootUri ? pathOfUri(params.rootUri) : null])
      .filter((p): p is string => p !== null);
    analysis = new WorkspaceAnalysis(roots, options.catalogue);
    files = new AnalysedFiles(analysis, options.analyze, options.maxFileChars, log, isOpen);
    scanDone = false;
    scanned = scan(roots)
      .catch((e: unknown) => log(`workspace scan failed: ${String(e)}`))
      .finally(() => (scanDone = true));
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        diagnosticProvider: { identifier: 'openrtc', interFileDependencies: true, workspaceDiagnostics: true },
      },
      serverInfo: { name: 'openrtc-language-server' },
    };
  });

  connection.onInitialized(
    guard('initialized', undefined, async () => {
      if (configurationSupport) {
        await connection.client
          .register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION })
          .catch(() => undefined);
      }
      await connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: watchedFilesGlob }] })
        .catch(() => undefined);
      await loadSettings();
      announce(files.paths());
    }),
  );

  connection.onDidChangeConfiguration(
    guard('didChangeConfiguration', undefined, async () => {
      await loadSettings();
      announce(files.paths());
    }),
  );

  connection.onDidChangeWatchedFiles((params) =>
    queueDiskWork(
      guard('didChangeWatchedFiles', undefined, async () => {
        await untilReady();
        const affected = new Set<string>();
        for (const change of params.changes) {
          const filePath = pathOfUri(change.uri);
          if (filePath === null || languageOfPath(filePath) === null) continue;
          if (documents.get(change.uri) !== undefined) continue; // the open buffer is the truth
          if (change.type === FileChangeType.Deleted) {
            for (const d of analysis.dependentsOf(filePath)) affected.add(d);
            files.forget(filePath);
          } else {
            await files.analyseFromDisk(filePath);
            for (const d of analysis.dependentsOf(filePath)) affected.add(d);
          }
          affected.add(filePath);
        }
        if (affected.size > 0) announce(affected);
      }),
    ),
  );

  /** The last full report a pull returned for each open document, to answer Unchanged when it would repeat. */
  const lastReports = new Map<string, { resultId: string; items: readonly Diagnostic[] }>();
  const pushTimers = new Map<string, NodeJS.Timeout>();
  documents.onDidChangeContent((event) => {
    if (pull) return; // the client pulls; the pull handler analyses and refreshes dependents
    const uri = event.document.uri;
    clearTimeout(pushTimers.get(uri)); // a newer edit replaces the older one's pending analysis
    pushTimers.set(
      uri,
      setTimeout(
        // guard() catches and logs whatever the analysis throws, so the promise cannot reject.
        // eslint-disable-next-line @typescript-eslint/no-misused-promises
        guard('push diagnostics', undefined, async () => {
          pushTimers.delete(uri);
          await untilReady();
          const filePath = pathOfUri(uri);
          if (filePath === null || languageOfPath(filePath) === null) return;
          const dependents = ensureCurrent(filePath, uri);
          announce([filePath, ...dependents]);
        }),
        Math.max(settleMs, 30),
      ),
    );
  });

  documents.onDidClose((event) =>
    queueDiskWork(
      guard('didClose', undefined, async () => {
        lastReports.delete(event.document.uri);
        const filePath = pathOfUri(event.document.uri);
        if (filePath === null || languageOfPath(filePath) === null) return;
        await files.analyseFromDisk(filePath);
        announce([filePath, ...analysis.dependentsOf(filePath)]);
      }),
    ),
  );

  connection.languages.diagnostics.on(
    guard(
      'textDocument/diagnostic',
      { kind: DocumentDiagnosticReportKind.Full, items: [] },
      async (params, token: CancellationToken) => {
        const uri = params.textDocument.uri;
        const filePath = pathOfUri(uri);
        if (filePath === null || languageOfPath(filePath) === null)
          return { kind: DocumentDiagnosticReportKind.Full, items: [] };
        const versionAsked = documents.get(uri)?.version;
        await untilReady();
        // Cross-file chains need the scan; wait a bounded time (a refresh follows a longer scan).
        if (!scanDone) await Promise.race([scanned, yieldToEvents(scanWaitMs)]);
        await diskWork;
        await yieldToEvents(settleMs);
        if (token.isCancellationRequested || documents.get(uri)?.version !== versionAsked) {
          throw new ResponseError(LSPErrorCodes.ServerCancelled, 'a newer edit superseded this request', {
            retriggerRequest: true,
          });
        }
        if (documents.get(uri) === undefined && !analysis.index.has(filePath)) await files.analyseFromDisk(filePath);
        const dependents = ensureCurrent(filePath, uri);
        if (dependents.size > 0) announce(dependents);
        const resultId = currentResultId();
        if (params.previousResultId === resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
        const items = diagnosticsOf(filePath);
        // Most edits leave a file's findings as they were: the client keeps what it shows.
        const last = lastReports.get(uri);
        if (last !== undefined && last.resultId === params.previousResultId && sameDiagnostics(last.items, items)) {
          return { kind: DocumentDiagnosticReportKind.Unchanged, resultId: last.resultId };
        }
        if (documents.get(uri) !== undefined) lastReports.set(uri, { resultId, items });
        return { kind: DocumentDiagnosticReportKind.Full, resultId, items };
      },
    ),
  );

  connection.languages.diagnostics.onWorkspace(
    guard('workspace/diagnostic', { items: [] }, async (params, token: CancellationToken) => {
      await scanned;
      await diskWork;
      const previous = new Map(params.previousResultIds.map((p) => [p.uri, p.value]));
      const items: WorkspaceDocumentDiagnosticReport[] = [];
      for (const filePath of files.paths()) {
        if (token.isCancellationRequested) break;
        const uri = uriOfPath(filePath);
        ensureCurrent(filePath, uri);
        const resultId = currentResultId();
        const version = documents.get(uri)?.version ?? null;
        items.push(
          previous.get(uri) === resultId
            ? { kind: DocumentDiagnosticReportKind.Unchanged, uri, version, resultId }
            : { kind: DocumentDiagnosticReportKind.Full, uri, version, resultId, items: diagnosticsOf(filePath) },
        );
      }
      return { items };
    }),
  );

  connection.onCodeAction(
    guard('textDocument/codeAction', [], async (params) => {
      const doc = documents.get(params.textDocument.uri);
      const filePath = pathOfUri(params.textDocument.uri);
      const language = filePath === null ? null : languageOfPath(filePath);
      if (doc === undefined || filePath === null || language === null) return [];
      await untilReady();
      await diskWork;
      ensureCurrent(filePath, doc.uri);
      return codeActionsFor(doc, language, analysis.findings(filePath), params.range, params.context.only);
    }),
  );

  documents.listen(connection);
  connection.listen();
}
