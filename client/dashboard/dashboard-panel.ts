// The dashboard webview for one runtime: a feed (history, then live) and at most one frame a
// second to the webview, only while the panel is visible and something changed, so a storm of
// session events costs one message. The webview asks for ranges, filters, sources and exports.
import { messageOf } from '../../protocol/errors';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { sourcePath } from '../model/observed-blocks';
import { buildFrame } from '../model/series-view';
import { PngCaptures, tenantOnlyFrame } from './capture';
import { frameToCsv } from './csv';
import { frontEditorOf } from './front-editor';
import { DashboardFeed } from './feed';
import { dashboardHtml } from './html';
import type { DashboardFrame, FromWebview, RangeKey, ToWebview } from './messages';
import { checkWebviewMessage, pngBytes } from './webview-input';

export const DASHBOARD_VIEW_TYPE = 'openrtc.dashboard';
/** A time for a file name: the ISO form without the characters file systems dislike. */
export const fileStamp = (at: Date): string => at.toISOString().replace(/[:.]/g, '-');
const FRAME_EVERY_MS = 1000;

/** The user's last exports (Export PNG / Export CSV in the page). */
export interface DashboardExports {
  pngPath: string | null;
  csvPath: string | null;
}

export class DashboardPanel implements vscode.Disposable {
  readonly feed = new DashboardFeed();
  readonly exports: DashboardExports = { pngPath: null, csvPath: null };
  /** Frames posted and their JSON size, for the cost measurement (bench/dashboard). */
  readonly stats = { frames: 0, bytes: 0, buildMs: 0 };
  private range: RangeKey = '5m';
  private tenant: string | null = null;
  private lastFrame: DashboardFrame | null = null;
  private readonly timer: NodeJS.Timeout;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly onDisposed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.onDisposed.event;
  private ready = false;
  private readonly captures = new PngCaptures();
  /** Called at the webview's next `ready` (it reloads each time a hidden panel is shown again). */
  private readyWaiters: (() => void)[] = [];
  private disposed = false;

  constructor(
    private readonly controller: Controller,
    readonly workerId: string,
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly output: (line: string) => void,
  ) {
    panel.webview.html = this.html();
    this.disposables.push(
      controller.onEvent((id, event) => id === workerId && this.feed.event(event)),
      controller.onSnapshot((id, snapshot) => id === workerId && this.feed.snapshot(snapshot)),
      panel.webview.onDidReceiveMessage((value: unknown) => void this.receive(value)),
      panel.onDidChangeViewState(() => this.post(false)),
      panel.onDidDispose(() => this.dispose()),
    );
    this.timer = setInterval(() => this.post(false), FRAME_EVERY_MS);
    void this.loadHistory();
  }

  reveal(): void {
    this.panel.reveal(vscode.ViewColumn.Beside);
  }

  /** The label shown in the panel and the frame: the tree's name for this worker. */
  private label(): string {
    return this.controller.model.worker(this.workerId)?.label ?? this.workerId;
  }

  private async loadHistory(): Promise<void> {
    const hello = this.controller.control(this.workerId)?.hello;
    const path = hello?.metrics_file ?? (hello ? join(hello.workspace, '.openrtc', 'metrics.jsonl') : null);
    const result = await this.feed.loadHistory(path);
    this.output(
      result.problem
        ? `dashboard: no history (${result.problem})`
        : `dashboard: read ${result.lines} metrics line(s) from ${path}, ${result.skipped} skipped`,
    );
    this.post(true);
  }

  /** Sends the current frame if something changed (or `force`), and only when it can be seen. */
  post(force: boolean): void {
    if (!this.ready || !this.panel.visible || (!force && !this.feed.dirty)) return;
    const t0 = performance.now();
    const frame = buildFrame(this.feed.model, {
      range: this.range,
      tenant: this.tenant,
      nowMs: Date.now(),
      workerLabel: this.label(),
    });
    this.feed.dirty = false;
    this.lastFrame = frame;
    const message: ToWebview = { type: 'frame', frame };
    this.stats.buildMs += performance.now() - t0;
    this.stats.frames += 1;
    this.stats.bytes += JSON.stringify(message).length;
    void this.panel.webview.postMessage(message);
  }

  private async receive(value: unknown): Promise<void> {
    const checked = checkWebviewMessage(value);
    if (!checked.ok) {
      this.output(`dashboard: ignored a webview message (${checked.why})`);
      return;
    }
    try {
      await this.act(checked.message);
    } catch (err) {
      void vscode.window.showErrorMessage(`OpenRTC dashboard: ${messageOf(err)}`);
    }
  }

  private async act(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        for (const wake of this.readyWaiters.splice(0)) wake();
        return this.post(true);
      case 'setRange':
        this.range = message.range;
        return this.post(true);
      case 'setTenant':
        this.tenant = message.tenant;
        return this.post(true);
      case 'openSource': {
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(sourcePath(message.file)));
        const pos = new vscode.Position(message.line - 1, message.column - 1);
        await vscode.window.showTextDocument(doc, {
          selection: new vscode.Range(pos, pos),
          preview: false,
          viewColumn: vscode.ViewColumn.One,
        });
        return;
      }
      case 'exportCsv': {
        if (!this.lastFrame) throw new Error('nothing drawn yet to export');
        this.exports.csvPath = await this.save('csv', frameToCsv(this.lastFrame));
        return this.announce(this.exports.csvPath);
      }
      case 'png':
        this.exports.pngPath = await this.save('png', pngBytes(message.dataUrl));
        return this.announce(this.exports.pngPath);
      case 'captured':
        if (!this.captures.settle(message.id, message.dataUrl))
          this.output(`dashboard: a capture answer came after its request was given up (${message.id})`);
        return;
    }
  }

  /**
   * The dashboard of `tenant` alone (no other tenant's name or numbers) as PNG bytes, with the CSV
   * of the same frame, drawn by the webview for an escalation bundle. A hidden panel is shown
   * (without taking focus) first, since a hidden webview does not run; the editor it was behind
   * comes back in front after, and a visible panel gets the user's view (range, filter) back.
   */
  async capture(tenant: string, timeoutMs: number): Promise<{ png: Buffer; csv: string }> {
    const deadline = Date.now() + timeoutMs;
    const behind = this.panel.visible ? null : frontEditorOf(this.panel.viewColumn);
    try {
      if (!this.panel.visible || !this.ready) await this.shown(timeoutMs);
      return await this.drawForBundle(tenant, deadline);
    } finally {
      if (behind)
        await behind().catch((err: unknown) =>
          this.output(`dashboard: could not bring back the editor it was behind (${messageOf(err)})`),
        );
      else this.post(true);
    }
  }

  private async drawForBundle(tenant: string, deadline: number): Promise<{ png: Buffer; csv: string }> {
    const frame = tenantOnlyFrame(
      buildFrame(this.feed.model, { range: this.range, tenant, nowMs: Date.now(), workerLabel: this.label() }),
      tenant,
    );
    const { id, result } = this.captures.request(Math.max(1, deadline - Date.now()));
    void this.panel.webview.postMessage({ type: 'capture', id, frame } satisfies ToWebview);
    return { png: pngBytes(await result), csv: frameToCsv(frame) };
  }

  /** Shows the panel without taking focus and waits for its webview's `ready`. */
  private async shown(timeoutMs: number): Promise<void> {
    if (!this.panel.visible) this.ready = false; // a hidden webview reloads when shown, and says ready again
    let timer: NodeJS.Timeout | undefined;
    const loaded = new Promise<void>((resolve) => {
      this.readyWaiters.push(resolve);
      timer = setTimeout(resolve, timeoutMs);
    });
    this.panel.reveal(this.panel.viewColumn, true);
    await loaded;
    clearTimeout(timer);
    if (!this.ready) throw new Error(`the dashboard did not load within ${Math.round(timeoutMs / 1000)} s`);
  }

  /** The runtime's workspace `.openrtc/<sub>` directory, where exports and bundle attachments go. */
  async outputDir(sub: 'dashboard' | 'escalations'): Promise<string> {
    const hello = this.controller.control(this.workerId)?.hello;
    const base = hello?.workspace ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (!base) throw new Error('no workspace folder to save the export in');
    const dir = join(base, '.openrtc', sub);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  private async save(ext: 'png' | 'csv', data: string | Buffer): Promise<string> {
    const file = join(await this.outputDir('dashboard'), `dashboard-${fileStamp(new Date())}.${ext}`);
    await writeFile(file, data);
    return file;
  }

  private announce(file: string): void {
    void vscode.window.showInformationMessage(`OpenRTC: dashboard saved to ${file}`, 'Open').then((pick) => {
      if (pick) void vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file));
    });
  }

  private html(): string {
    const webview = this.panel.webview;
    const asset = (name: string): string =>
      webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', name)).toString();
    return dashboardHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: asset('dashboard.js'),
      styleUri: asset('dashboard.css'),
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearInterval(this.timer);
    this.captures.cancelAll('the dashboard was closed');
    for (const wake of this.readyWaiters.splice(0)) wake();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.onDisposed.fire();
    this.onDisposed.dispose();
    this.panel.dispose();
  }
}
