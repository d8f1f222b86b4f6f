// What the language server knows and how it answers: the open documents, the workspace
// analysis and its files, the start-up scan, the queue of disk reads, the result ids and the
// last reports, and when other files' results are announced (a refresh in pull mode, a
// publish in push mode). The LSP handlers in server.ts only translate requests into calls here.
import {
  DocumentDiagnosticReportKind,
  FileChangeType,
  LSPErrorCodes,
  ResponseError,
  TextDocuments,
  type CancellationToken,
  type CodeAction,
  type CodeActionParams,
  type Connection,
  type Diagnostic,
  type DocumentDiagnosticParams,
  type DocumentDiagnosticReport,
  type FileEvent,
  type WorkspaceDiagnosticParams,
  type WorkspaceDiagnosticReport,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { WorkspaceAnalysis } from '../core/workspace-analysis';
import { isLayoutFile, loadLayout } from '../project/load-layout';
import type { Rule } from '../rules/rule';
import { AnalysedFiles, type AnalyzeFile } from './analysed-files';
import { codeActionsFor } from './code-actions';
import { sameDiagnostics, toDiagnostic, truncationDiagnostic, uriOfPath } from './diagnostics';
import { guarded, type Log } from './guard';
import { languageOfPath } from './languages';
import { parseDiagnosticsSettings } from './settings';
import { pathOfUri } from './uris';
import { scanWorkspace, type PrepareScan } from './workspace-scan';

export interface ServerOptions {
  analyze: AnalyzeFile;
  /** Resolves when every front end can analyse (the Python grammar loads asynchronously). */
  ready: Promise<void>;
  catalogue: readonly Rule[];
  /** Text beyond this many characters is not analysed (an Information diagnostic says so). */
  maxFileChars: number;
  /** The start-up scan stops after this many files. */
  maxWorkspaceFiles: number;
  /** Takes the scanned files' summaries from the cache or worker threads first (scan-cache.ts). */
  prepareScan?: PrepareScan;
}

/** What the client said at initialize about how it wants diagnostics. */
export interface ClientMode {
  /** The client pulls (textDocument/diagnostic); otherwise the server publishes. */
  pull: boolean;
  /** The client accepts workspace/diagnostic/refresh. */
  refreshSupport: boolean;
  /** How long a pull waits for newer edits (0: one event-loop turn). */
  settleMs: number;
}

/** How long a document pull waits for the start-up scan before answering with what it has. */
const scanWaitMs = 2000;
/** Refreshes asked for within this window go out as one. */
const refreshDelayMs = 20;
/** A push waits at least this long after an edit, so a burst of keystrokes is analysed once. */
const minPushDelayMs = 30;

/** Lets queued messages (newer edits) be handled first; 0 ms is one event-loop turn without a timer's 1 ms floor. */
const yieldToEvents = (ms = 0): Promise<void> =>
  new Promise((resolve) => (ms === 0 ? setImmediate(resolve) : setTimeout(resolve, ms)));

const emptyReport: DocumentDiagnosticReport = { kind: DocumentDiagnosticReportKind.Full, items: [] };

export class DiagnosticsService {
  readonly documents = new TextDocuments(TextDocument);
  private analysis: WorkspaceAnalysis;
  private files: AnalysedFiles;
  private mode: ClientMode = { pull: false, refreshSupport: false, settleMs: 0 };
  /** Disk reads for watched-file events and closes, in order; answers wait for them so they never see a stale file. */
  private diskWork: Promise<void> = Promise.resolve();
  private scanned: Promise<void> = Promise.resolve();
  private scanDone = true;
  private frontEndsReady = false;
  /** Bumped when the settings change: part of every result id. */
  private settingsGeneration = 0;
  private refreshTimer: NodeJS.Timeout | undefined;
  /** The last full report a pull returned for each open document, to answer Unchanged when it would repeat. */
  private readonly lastReports = new Map<string, { resultId: string; items: readonly Diagnostic[] }>();
  private readonly pushTimers = new Map<string, NodeJS.Timeout>();
  /** The workspace's tsconfig/package.json/pyproject.toml/setup.cfg files, to read the layout again when one changes. */
  private layoutFiles = new Set<string>();
  private roots: string[] = [];

  constructor(
    private readonly connection: Connection,
    private readonly options: ServerOptions,
    private readonly log: Log,
  ) {
    this.analysis = new WorkspaceAnalysis([], options.catalogue);
    this.files = this.filesFor(this.analysis);
  }

  /** Starts over for the workspace the client opened, and starts scanning it. */
  open(roots: string[], mode: ClientMode): void {
    this.mode = mode;
    this.roots = roots;
    this.layoutFiles = new Set();
    this.analysis = new WorkspaceAnalysis(roots, this.options.catalogue);
    this.files = this.filesFor(this.analysis);
    this.scanDone = false;
    this.scanned = this.scan(roots)
      .catch((e: unknown) => this.log(`workspace scan failed: ${String(e)}`))
      .finally(() => (this.scanDone = true));
  }

  async untilReady(): Promise<void> {
    if (this.frontEndsReady) return;
    try {
      await this.options.ready;
    } catch (error) {
      this.log(
        `a front end failed to start; its files get no analysis: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    this.frontEndsReady = true;
  }

  queueDiskWork(work: () => Promise<void>): Promise<void> {
    return (this.diskWork = this.diskWork.then(work, work));
  }

  /** Applies the client's settings (raw, as the client sent them); returns what was wrong with them. */
  async applySettings(raw: unknown): Promise<string[]> {
    const { settings, problems } = parseDiagnosticsSettings(raw);
    const current = this.analysis.settings;
    // Results stay valid (same resultId) when the settings did not change: the first load after
    // start-up usually finds the defaults, and a client pulling meanwhile should not see a change.
    if (JSON.stringify(settings) !== JSON.stringify(current)) this.settingsGeneration++;
    // Both are applied by the front ends, so a change means analysing every file again.
    const reanalyse =
      settings.moduleLevelIsLoop !== current.moduleLevelIsLoop || settings.honourNoqa !== current.honourNoqa;
    this.analysis.settings = settings;
    if (reanalyse) {
      for (const p of this.files.paths()) {
        const doc = this.documents.get(uriOfPath(p));
        if (doc !== undefined) this.files.analyseText(p, doc.getText(), doc.version);
        else await this.files.analyseFromDisk(p);
      }
    }
    return problems;
  }

  announceAll(): void {
    this.announce(this.files.paths());
  }

  /** Files changed on disk: re-read them (open buffers are the truth) and announce what that changes. */
  async diskChanged(changes: readonly FileEvent[]): Promise<void> {
    await this.untilReady();
    const affected = new Set<string>();
    let layoutChanged = false;
    for (const change of changes) {
      const filePath = pathOfUri(change.uri);
      if (filePath !== null && isLayoutFile(filePath)) {
        if (change.type === FileChangeType.Deleted) this.layoutFiles.delete(filePath);
        else this.layoutFiles.add(filePath);
        layoutChanged = true;
        continue;
      }
      if (filePath === null || languageOfPath(filePath) === null) continue;
      if (this.documents.get(change.uri) !== undefined) continue; // the open buffer is the truth
      if (change.type === FileChangeType.Deleted) {
        for (const d of this.analysis.dependentsOf(filePath)) affected.add(d);
        this.files.forget(filePath);
      } else {
        await this.files.analyseFromDisk(filePath);
        for (const d of this.analysis.dependentsOf(filePath)) affected.add(d);
      }
      affected.add(filePath);
    }
    if (layoutChanged) {
      this.readLayout(); // any import may now resolve elsewhere
      this.announceAll();
    } else if (affected.size > 0) this.announce(affected);
  }

  /** Where imports resolve (tsconfig paths, workspaces, Python roots), from the files the scan found. */
  private readLayout(): void {
    const { layout, problems } = loadLayout(this.roots, [...this.layoutFiles]);
    for (const p of problems) this.log(p);
    this.analysis.setLayout(layout);
  }

  /** In push mode, an edit publishes the file's results (and its dependents') once the edits settle. */
  edited(uri: string): void {
    if (this.mode.pull) return; // the client pulls; the pull handler analyses and refreshes dependents
    clearTimeout(this.pushTimers.get(uri)); // a newer edit replaces the older one's pending analysis
    const publish = guarded(this.log, 'push diagnostics', undefined, () => this.publishEdited(uri));
    // guarded() catches and logs whatever the analysis throws, so the promise cannot reject.
    this.pushTimers.set(
      uri,
      setTimeout(() => void publish(), Math.max(this.mode.settleMs, minPushDelayMs)),
    );
  }

  private async publishEdited(uri: string): Promise<void> {
    this.pushTimers.delete(uri);
    await this.untilReady();
    const filePath = pathOfUri(uri);
    if (filePath === null || languageOfPath(filePath) === null) return;
    const dependents = this.ensureCurrent(filePath, uri);
    this.announce([filePath, ...dependents]);
  }

  /** A closed document goes back to what is on disk. */
  async closed(uri: string): Promise<void> {
    this.lastReports.delete(uri);
    const filePath = pathOfUri(uri);
    if (filePath === null || languageOfPath(filePath) === null) return;
    await this.files.analyseFromDisk(filePath);
    this.announce([filePath, ...this.analysis.dependentsOf(filePath)]);
  }

  async documentReport(params: DocumentDiagnosticParams, token: CancellationToken): Promise<DocumentDiagnosticReport> {
    const uri = params.textDocument.uri;
    const filePath = pathOfUri(uri);
    if (filePath === null || languageOfPath(filePath) === null) return emptyReport;
    const versionAsked = this.documents.get(uri)?.version;
    await this.untilReady();
    // Cross-file chains need the scan; wait a bounded time (a refresh follows a longer scan).
    if (!this.scanDone) await Promise.race([this.scanned, yieldToEvents(scanWaitMs)]);
    await this.diskWork;
    await yieldToEvents(this.mode.settleMs);
    if (token.isCancellationRequested || this.documents.get(uri)?.version !== versionAsked) {
      throw new ResponseError(LSPErrorCodes.ServerCancelled, 'a newer edit superseded this request', {
        retriggerRequest: true,
      });
    }
    if (this.documents.get(uri) === undefined && !this.analysis.index.has(filePath))
      await this.files.analyseFromDisk(filePath);
    const dependents = this.ensureCurrent(filePath, uri);
    if (dependents.size > 0) this.announce(dependents);
    const resultId = this.currentResultId();
    if (params.previousResultId === resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
    const items = this.diagnosticsOf(filePath);
    // Most edits leave a file's findings as they were: the client keeps what it shows.
    const last = this.lastReports.get(uri);
    if (last !== undefined && last.resultId === params.previousResultId && sameDiagnostics(last.items, items)) {
      return { kind: DocumentDiagnosticReportKind.Unchanged, resultId: last.resultId };
    }
    if (this.documents.get(uri) !== undefined) this.lastReports.set(uri, { resultId, items });
    return { kind: DocumentDiagnosticReportKind.Full, resultId, items };
  }

  async workspaceReport(
    params: WorkspaceDiagnosticParams,
    token: CancellationToken,
  ): Promise<WorkspaceDiagnosticReport> {
    await this.scanned;
    await this.diskWork;
    const previous = new Map(params.previousResultIds.map((p) => [p.uri, p.value]));
    const items: WorkspaceDocumentDiagnosticReport[] = [];
    for (const filePath of this.files.paths()) {
      if (token.isCancellationRequested) break;
      const uri = uriOfPath(filePath);
      this.ensureCurrent(filePath, uri);
      const resultId = this.currentResultId();
      const version = this.documents.get(uri)?.version ?? null;
      items.push(
        previous.get(uri) === resultId
          ? { kind: DocumentDiagnosticReportKind.Unchanged, uri, version, resultId }
          : { kind: DocumentDiagnosticReportKind.Full, uri, version, resultId, items: this.diagnosticsOf(filePath) },
      );
    }
    return { items };
  }

  async codeActions(params: CodeActionParams): Promise<CodeAction[]> {
    const doc = this.documents.get(params.textDocument.uri);
    const filePath = pathOfUri(params.textDocument.uri);
    const language = filePath === null ? null : languageOfPath(filePath);
    if (doc === undefined || filePath === null || language === null) return [];
    await this.untilReady();
    await this.diskWork;
    this.ensureCurrent(filePath, doc.uri);
    return codeActionsFor(doc, language, this.analysis.findings(filePath), params.range, params.context.only);
  }

  private filesFor(analysis: WorkspaceAnalysis): AnalysedFiles {
    const isOpen = (filePath: string): boolean => this.documents.get(uriOfPath(filePath)) !== undefined;
    return new AnalysedFiles(analysis, this.options.analyze, this.options.maxFileChars, this.log, isOpen);
  }

  private async scan(roots: string[]): Promise<void> {
    await this.untilReady();
    const result = await scanWorkspace(roots, this.options.maxWorkspaceFiles, this.options.prepareScan);
    for (const f of result.layoutFiles) this.layoutFiles.add(f);
    this.readLayout();
    if (result.truncated)
      this.log(
        `workspace scan stopped at ${this.options.maxWorkspaceFiles} files; files beyond that are analysed when opened`,
      );
    for (const file of result.files) {
      if (this.documents.get(uriOfPath(file)) === undefined) await this.files.analyseFromDisk(file);
      await yieldToEvents();
    }
    this.announceAll();
  }

  /** Brings a file's summary up to date with its open document; returns the files that depend on it if it changed. */
  private ensureCurrent(filePath: string, uri: string): Set<string> {
    const doc = this.documents.get(uri);
    if (doc === undefined || this.files.isCurrent(filePath, doc.version)) return new Set();
    this.files.analyseText(filePath, doc.getText(), doc.version);
    return this.analysis.dependentsOf(filePath);
  }

  private diagnosticsOf(filePath: string): Diagnostic[] {
    const diagnostics = this.analysis.findings(filePath).map(toDiagnostic);
    const cut = this.files.truncation(filePath);
    if (cut !== null) diagnostics.push(truncationDiagnostic(cut.analysedChars, cut.totalChars, cut.line));
    return diagnostics;
  }

  /** Any change to any file or to the settings can change a file's findings; nothing else can. */
  private currentResultId(): string {
    return `${this.analysis.index.version}.${this.settingsGeneration}`;
  }

  /** Tells the client that other files' results changed: a refresh in pull mode, a publish in push mode. */
  private announce(paths: Iterable<string>): void {
    if (this.mode.pull) {
      if (!this.mode.refreshSupport || this.refreshTimer !== undefined) return;
      this.refreshTimer = setTimeout(() => {
        this.refreshTimer = undefined;
        this.connection.languages.diagnostics
          .refresh()
          .catch((e: unknown) => this.log(`diagnostic refresh failed: ${String(e)}`));
      }, refreshDelayMs);
      return;
    }
    for (const p of paths) {
      const uri = uriOfPath(p);
      this.ensureCurrent(p, uri);
      void this.connection.sendDiagnostics({
        uri,
        version: this.documents.get(uri)?.version,
        diagnostics: this.diagnosticsOf(p),
      });
    }
  }
}
