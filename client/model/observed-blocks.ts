// Runtime-confirmed blocking: slow-session events with a source frame, folded per source line
// (worst block kept, sessions counted). Pure; client/lsp/observed-diagnostics.ts shows them.
import type { RuntimeEvent } from '../../protocol/control';

export interface ObservedBlock {
  file: string;
  /** 1-based, as in the frames. */
  line: number;
  column: number;
  worstMs: number;
  times: number;
  lastSession: string | null;
  lastTenant: string | null;
  functionName: string;
}

/**
 * The file of a frame as a plain path: the runtime tags hot-reloaded agent modules with a
 * version query (`agents/x.ts?v=3`), which is no file on disk.
 */
export function sourcePath(file: string): string {
  return file.replace(/[?#].*$/, '');
}

export class ObservedBlocks {
  private readonly byLine = new Map<string, ObservedBlock>();

  /**
   * @param isUserFile which frames are the user's code: the top frame can be inside the runtime's
   *   own bundle (a block during agent loading), which is no line the user can fix.
   */
  constructor(private readonly isUserFile: (file: string) => boolean = () => true) {}

  /** Returns the file whose blocks changed, or null when the event carries no user source. */
  add(event: RuntimeEvent): string | null {
    if (event.type !== 'slow_session') return null;
    const found = event.frames.find((f) => this.isUserFile(sourcePath(f.file)));
    if (!found || !found.file || found.line < 1) return null;
    const frame = { ...found, file: sourcePath(found.file) };
    const key = `${frame.file}:${frame.line}`;
    const seen = this.byLine.get(key);
    this.byLine.set(key, {
      file: frame.file,
      line: frame.line,
      column: frame.column,
      worstMs: Math.max(seen?.worstMs ?? 0, event.blocked_ms),
      times: (seen?.times ?? 0) + 1,
      lastSession: event.session_id,
      lastTenant: event.tenant,
      functionName: frame.function,
    });
    return frame.file;
  }

  forFile(file: string): ObservedBlock[] {
    return [...this.byLine.values()].filter((b) => b.file === file).sort((a, b) => a.line - b.line);
  }

  clear(): void {
    this.byLine.clear();
  }
}

export function observedMessage(b: ObservedBlock): string {
  const who = b.lastSession ? ` (last: session ${b.lastSession}${b.lastTenant ? `, tenant ${b.lastTenant}` : ''})` : '';
  return `Observed blocking the event loop for ${Math.round(b.worstMs)} ms at run time${b.times > 1 ? `, ${b.times} times` : ''}${who}. Every tenant on this loop stalls while it runs.`;
}
