// Scoped log view: a read-only virtual document (openrtc-log: scheme) per tenant or session,
// filled from the runtime's `logs` method. While open it follows the log: each tick asks only
// for what was written since the last reply (`after_offset`), so an open view costs the runtime
// the new bytes, not a rescan of the file.
import * as vscode from 'vscode';
import type { LogsParams } from '../../protocol/control';
import type { Controller } from '../controller';
import { LogTail } from './log-tail';
import { messageOf } from '../../protocol/errors';

export const LOG_SCHEME = 'openrtc-log';
const FOLLOW_MS = 500;
const LIMIT = 5000;

export function logUri(workerId: string, filter: { tenant?: string; session_id?: string }): vscode.Uri {
  const name = filter.session_id ? `session-${filter.session_id}` : `tenant-${filter.tenant ?? 'all'}`;
  const query = new URLSearchParams({
    worker: workerId,
    ...(filter.tenant ? { tenant: filter.tenant } : {}),
    ...(filter.session_id ? { session: filter.session_id } : {}),
  });
  // The .openrtc-log extension selects the grammar (contributes.languages).
  return vscode.Uri.from({ scheme: LOG_SCHEME, path: `/${name}.openrtc-log`, query: query.toString() });
}

interface OpenView {
  workerId: string;
  filter: LogsParams;
  what: string;
  tail: LogTail;
  /** Shown instead of the records while the runtime is unreachable or refuses. */
  problem: string | null;
  busy: boolean;
}

export class LogDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly views = new Map<string, OpenView>();
  private readonly timer: NodeJS.Timeout;
  private readonly closeSub: vscode.Disposable;

  constructor(private readonly controller: Controller) {
    this.timer = setInterval(() => this.follow(), FOLLOW_MS);
    this.closeSub = vscode.workspace.onDidCloseTextDocument((doc) => this.views.delete(doc.uri.toString()));
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    let view = this.views.get(uri.toString());
    if (!view) {
      view = viewFor(uri);
      this.views.set(uri.toString(), view);
      await this.update(view);
    }
    return render(view);
  }

  /** Asks for what is new; returns whether the view changed. */
  private async update(view: OpenView): Promise<boolean> {
    const client = this.controller.control(view.workerId);
    if (!client) {
      // A runtime that comes back may write a new file: start over then.
      view.tail = new LogTail(LIMIT);
      return showProblem(view, `The runtime at ${view.workerId} is not connected; this view fills in when it is.`);
    }
    const offset = view.tail.nextOffset;
    try {
      const result = await client.request('logs', {
        ...view.filter,
        ...(offset !== undefined ? { after_offset: offset } : {}),
      });
      const hadProblem = view.problem !== null;
      view.problem = null;
      return view.tail.apply(result) || hadProblem;
    } catch (err) {
      return showProblem(view, `The runtime refused the request: ${messageOf(err)}`);
    }
  }

  private follow(): void {
    for (const doc of vscode.workspace.textDocuments) {
      const view = this.views.get(doc.uri.toString());
      if (doc.uri.scheme !== LOG_SCHEME || doc.isClosed || !view || view.busy) continue;
      view.busy = true;
      void this.update(view)
        .then((changed) => changed && this.changed.fire(doc.uri))
        .finally(() => {
          view.busy = false;
        });
    }
  }

  dispose(): void {
    clearInterval(this.timer);
    this.closeSub.dispose();
    this.changed.dispose();
  }
}

/** Shows `problem` instead of the records; returns whether the view changed. */
function showProblem(view: OpenView, problem: string): boolean {
  const changed = view.problem !== problem;
  view.problem = problem;
  return changed;
}

function viewFor(uri: vscode.Uri): OpenView {
  const q = new URLSearchParams(uri.query);
  const filter: LogsParams = { limit: LIMIT };
  const tenant = q.get('tenant');
  const session = q.get('session');
  if (tenant) filter.tenant = tenant;
  if (session) filter.session_id = session;
  const what = session ? `session ${session}` : `tenant ${tenant ?? '(all)'}`;
  return { workerId: q.get('worker') ?? '', filter, what, tail: new LogTail(LIMIT), problem: null, busy: false };
}

function render(view: OpenView): string {
  if (view.problem) return `# OpenRTC log · ${view.what}\n# ${view.problem}\n`;
  const skipped = view.tail.skippedLines;
  const head = `# OpenRTC log · ${view.what} · ${view.tail.recordCount} record(s)${skipped ? ` · ${skipped} unreadable line(s) skipped` : ''} · follows new lines\n`;
  return head + view.tail.text();
}
