// Scoped log view: a read-only virtual document (openrtc-log: scheme) per tenant or session,
// filled from the runtime's `logs` method and refreshed while open, so it follows new lines.
import * as vscode from 'vscode';
import type { LogsParams } from '../../protocol/control';
import type { Controller } from '../controller';
import { formatRecords } from './log-format';

export const LOG_SCHEME = 'openrtc-log';
const FOLLOW_MS = 1000;
const LIMIT = 5000;

export function logUri(workerId: string, filter: { tenant?: string; session_id?: string }): vscode.Uri {
  const name = filter.session_id ? `session-${filter.session_id}` : `tenant-${filter.tenant ?? 'all'}`;
  const query = new URLSearchParams({ worker: workerId, ...(filter.tenant ? { tenant: filter.tenant } : {}), ...(filter.session_id ? { session: filter.session_id } : {}) });
  // The .openrtc-log extension selects the grammar (contributes.languages).
  return vscode.Uri.from({ scheme: LOG_SCHEME, path: `/${name}.openrtc-log`, query: query.toString() });
}

export class LogDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly last = new Map<string, string>();
  private readonly timer: NodeJS.Timeout;
  private readonly closeSub: vscode.Disposable;

  constructor(private readonly controller: Controller) {
    this.timer = setInterval(() => this.follow(), FOLLOW_MS);
    this.closeSub = vscode.workspace.onDidCloseTextDocument((doc) => this.last.delete(doc.uri.toString()));
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const text = await this.render(uri);
    this.last.set(uri.toString(), text);
    return text;
  }

  private async render(uri: vscode.Uri): Promise<string> {
    const q = new URLSearchParams(uri.query);
    const workerId = q.get('worker') ?? '';
    const filter: LogsParams = { limit: LIMIT };
    const tenant = q.get('tenant');
    const session = q.get('session');
    if (tenant) filter.tenant = tenant;
    if (session) filter.session_id = session;
    const what = session ? `session ${session}` : `tenant ${tenant ?? '(all)'}`;
    const client = this.controller.control(workerId);
    if (!client) return `# OpenRTC log · ${what}\n# The runtime at ${workerId} is not connected; this view fills in when it is.\n`;
    try {
      const { records, skipped_lines } = await client.request('logs', filter);
      const head = `# OpenRTC log · ${what} · ${records.length} record(s)${skipped_lines ? ` · ${skipped_lines} unreadable line(s) skipped` : ''} · follows new lines\n`;
      return head + formatRecords(records);
    } catch (err) {
      return `# OpenRTC log · ${what}\n# The runtime refused the request: ${(err as Error).message}\n`;
    }
  }

  private follow(): void {
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.uri.scheme !== LOG_SCHEME || doc.isClosed) continue;
      const key = doc.uri.toString();
      void this.render(doc.uri).then((text) => {
        if (this.last.get(key) !== text) {
          this.last.set(key, text);
          this.changed.fire(doc.uri);
        }
      });
    }
  }

  dispose(): void {
    clearInterval(this.timer);
    this.closeSub.dispose();
    this.changed.dispose();
  }
}
