// A real LSP client for the server tests: spawns the bundled server with `--stdio` and
// speaks LSP over the pipes.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type Diagnostic,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Range,
} from 'vscode-languageserver-protocol/node';

const repoRoot = path.join(__dirname, '..', '..');
let bundlePath: string | undefined;

/** A key that changes whenever a file the server bundle is built from changes. */
function sourcesKey(): string {
  const hash = createHash('sha1');
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|mjs|json)$/.test(entry.name))
        hash.update(`${full}:${statSync(full).mtimeMs}:${statSync(full).size}\n`);
    }
  };
  for (const dir of ['server', 'protocol']) walk(path.join(repoRoot, dir));
  hash.update(String(statSync(path.join(repoRoot, 'scripts/build.mjs')).mtimeMs));
  return hash.digest('hex').slice(0, 16);
}

/**
 * The server bundle (server.js + wasm files). OPENRTC_SERVER_BUNDLE names a ready one
 * (e.g. dist/server.js); otherwise it is built into a temp folder keyed by the sources, so
 * test files running in parallel share one build and a teammate's `npm run build` (which
 * empties dist/) cannot pull it from under a running test.
 */
export function serverBundle(): string {
  if (bundlePath !== undefined) return bundlePath;
  const given = process.env['OPENRTC_SERVER_BUNDLE'];
  if (given !== undefined && given !== '') return (bundlePath = path.resolve(given));
  const cached = path.join(tmpdir(), `openrtc-lsp-bundle-${sourcesKey()}`);
  if (!existsSync(path.join(cached, 'server.js'))) {
    const dir = mkdtempSync(path.join(tmpdir(), 'openrtc-lsp-build-'));
    const r = spawnSync(
      process.execPath,
      [path.join(repoRoot, 'scripts/build.mjs'), '--outdir', dir, '--only', 'server'],
      {
        cwd: repoRoot,
        encoding: 'utf8',
      },
    );
    if (r.status !== 0) throw new Error(`building the server bundle failed:\n${r.stdout}\n${r.stderr}`);
    try {
      renameSync(dir, cached);
    } catch {
      rmSync(dir, { recursive: true, force: true }); // a parallel test file won the race; use its build
    }
  }
  return (bundlePath = path.join(cached, 'server.js'));
}

/** Diagnostic messages may be MarkupContent since LSP 3.18; these tests compare the text. */
export const textOf = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);

export const uriOf = (file: string): string => pathToFileURL(file).href;

export interface ClientOptions {
  root: string;
  /** false: the client lacks pull diagnostics, so the server must push. */
  pull?: boolean;
  /** What the client answers to workspace/configuration for openrtc.diagnostics. */
  settings?: unknown;
  initializationOptions?: unknown;
}

export class TestClient {
  readonly connection: ProtocolConnection;
  readonly published = new Map<string, Diagnostic[]>();
  refreshes = 0;
  /** window/showMessage(Request) texts, in order. */
  readonly messages: string[] = [];
  /** window/logMessage texts: the server logs failed handlers here. */
  readonly logs: string[] = [];
  settings: unknown;
  private readonly child: ChildProcess;
  private readonly versions = new Map<string, number>();
  /** The last full report per file, as a client keeps it. */
  private readonly reports = new Map<string, { resultId: string; items: Diagnostic[] }>();
  /** Pulls answered Unchanged so far. */
  unchangedReports = 0;
  stderr = '';

  private constructor(options: ClientOptions) {
    this.settings = options.settings ?? {};
    this.child = spawn(process.execPath, [serverBundle(), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.connection = createProtocolConnection(
      new StreamMessageReader(this.child.stdout!),
      new StreamMessageWriter(this.child.stdin!),
    );
    this.connection.onRequest('workspace/configuration', () => [this.settings]);
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('workspace/diagnostic/refresh', () => {
      this.refreshes++;
      return null;
    });
    this.connection.onRequest('window/showMessageRequest', (m: { message: string }) => {
      this.messages.push(m.message);
      return null;
    });
    this.connection.onNotification('window/showMessage', (m: { message: string }) => {
      this.messages.push(m.message);
    });
    this.connection.onNotification('window/logMessage', (m: { message: string }) => {
      this.logs.push(m.message);
    });
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.published.set(p.uri, p.diagnostics);
    });
    this.connection.listen();
  }

  static async start(options: ClientOptions): Promise<TestClient> {
    const client = new TestClient(options);
    const pull = options.pull ?? true;
    const capabilities: ClientCapabilities = {
      workspace: {
        configuration: true,
        didChangeConfiguration: { dynamicRegistration: true },
        didChangeWatchedFiles: { dynamicRegistration: true },
        ...(pull ? { diagnostics: { refreshSupport: true } } : {}),
      },
      textDocument: {
        ...(pull ? { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } } : {}),
        publishDiagnostics: { relatedInformation: true },
        codeAction: {
          codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } },
          isPreferredSupport: true,
        },
      },
    };
    await client.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uriOf(options.root),
      workspaceFolders: [{ uri: uriOf(options.root), name: path.basename(options.root) }],
      capabilities,
      initializationOptions: options.initializationOptions,
    });
    await client.connection.sendNotification('initialized', {});
    return client;
  }

  async open(file: string, text: string, languageId: string): Promise<void> {
    this.versions.set(file, 1);
    await this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: uriOf(file), languageId, version: 1, text },
    });
  }

  /** Replaces the whole text (a full-document change event). */
  async change(file: string, text: string): Promise<void> {
    const version = (this.versions.get(file) ?? 1) + 1;
    this.versions.set(file, version);
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: uriOf(file), version },
      contentChanges: [{ text }],
    });
  }

  /** Replaces one line's text with an incremental change, as an editor sends a keystroke. */
  replaceLine(file: string, line: number, oldLength: number, text: string): Promise<void> {
    return this.replaceRange(file, { start: { line, character: 0 }, end: { line, character: oldLength } }, text);
  }

  /** Replaces a range with an incremental change (an empty range inserts, empty text deletes). */
  async replaceRange(file: string, range: Range, text: string): Promise<void> {
    const version = (this.versions.get(file) ?? 1) + 1;
    this.versions.set(file, version);
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: uriOf(file), version },
      contentChanges: [{ range, text }],
    });
  }

  /** Pulls as VS Code does: with the last report's resultId, keeping its items when told Unchanged. */
  async pull(file: string): Promise<Diagnostic[]> {
    const last = this.reports.get(file);
    const report: { kind: string; resultId?: string; items?: Diagnostic[] } = await this.connection.sendRequest(
      'textDocument/diagnostic',
      {
        textDocument: { uri: uriOf(file) },
        ...(last ? { previousResultId: last.resultId } : {}),
      },
    );
    if (report.kind === 'unchanged' && last !== undefined && report.resultId === last.resultId) {
      this.unchangedReports++;
      return last.items;
    }
    if (report.kind !== 'full' || report.items === undefined)
      throw new Error(`expected a full report, got ${JSON.stringify(report).slice(0, 200)}`);
    if (report.resultId !== undefined) this.reports.set(file, { resultId: report.resultId, items: report.items });
    return report.items;
  }

  /** CPU time the server process has used so far (Linux /proc; 10 ms resolution). */
  serverCpuMs(): number {
    const stat = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of the full line)
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  }

  /** On-CPU time of the server's main thread in ms, nanosecond resolution (Linux /proc schedstat). */
  serverMainThreadCpuMs(): number {
    return Number(readFileSync(`/proc/${this.child.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // the server is already gone; nothing to shut down
    }
    this.connection.dispose();
    if (this.child.exitCode === null) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.child.kill('SIGKILL');
          resolve();
        }, 2000);
        this.child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

/** Polls `check` until it returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
