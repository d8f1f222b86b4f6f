// What the status bar item says for the watched workers. Pure (the item lives in views/).
import { blockFrame, describeLoopBlock, frameLocation } from '../../protocol/loop-block';
import { sourcePath } from './observed-blocks';
import type { WorkerState } from './worker-state';

/** A block in progress this long turns the item red (it is yellow from the first report). */
export const BLOCK_RED_MS = 1000;

export interface StatusSummary {
  text: string;
  tooltip: string;
  warning: boolean;
  /** A loop block in progress past BLOCK_RED_MS. */
  error: boolean;
  /** During a block with a known line: clicking the item opens it (1-based line). */
  blamedLine: { file: string; line: number } | null;
}

/** Pure: what the item says for the watched workers. */
export function summarise(workers: readonly WorkerState[]): StatusSummary {
  if (workers.length === 0)
    return {
      text: '$(circle-slash) OpenRTC: stopped',
      tooltip: 'No OpenRTC runtime. Click to open the OpenRTC view.',
      warning: false,
      error: false,
      blamedLine: null,
    };
  const live = workers.filter((w) => w.connection === 'connected' && w.summary);
  if (live.length === 0) {
    const why = workers.find((w) => w.problem)?.problem;
    return {
      text: '$(debug-disconnect) OpenRTC: disconnected',
      tooltip: why ?? 'Connecting to the runtime…',
      warning: true,
      error: false,
      blamedLine: null,
    };
  }
  // The control thread still answers while a runtime's loop is blocked: who blocks it comes first.
  const blocked = live.find((w) => w.summary?.loop)?.summary?.loop;
  if (blocked) {
    const frame = blockFrame(blocked);
    const who = blocked.tenant ? `${blocked.tenant}/${blocked.agent_name ?? '?'}` : 'runtime code';
    const at = frame ? frameLocation(frame).split('/').slice(-2).join('/') : null;
    // A line inside node_modules or the runtime is no line the user can fix: the view then.
    const blamedLine =
      frame && blocked.session_id && !frame.file.includes('/node_modules/')
        ? { file: sourcePath(frame.file), line: frame.line }
        : null;
    return {
      text: `$(watch) OpenRTC: loop blocked ${(blocked.blocked_ms / 1000).toFixed(1)} s by ${who}${at ? ` at ${at}` : ''}`,
      tooltip: `${describeLoopBlock(blocked)}\n${blamedLine ? `Click to open ${at}.` : 'Click to open the OpenRTC view.'}`,
      warning: true,
      error: blocked.blocked_ms >= BLOCK_RED_MS,
      blamedLine,
    };
  }
  let active = 0;
  let p99 = 0;
  let open = 0;
  for (const w of live) {
    active += w.summary?.active_sessions ?? 0;
    p99 = Math.max(p99, w.summary?.loop_lag.p99_ms ?? 0);
    for (const t of w.tenants.values()) if (t.breaker.state !== 'closed') open += 1;
  }
  const text = `$(pulse) ${active} · lag ${Math.round(p99)}ms${open ? ` · $(error) ${open} open` : ''}`;
  const tooltip = [
    `OpenRTC: ${live.length} runtime${live.length > 1 ? 's' : ''} connected`,
    `${active} active session${active === 1 ? '' : 's'}`,
    `loop lag p99: ${p99.toFixed(1)} ms`,
    `${open} tenant breaker${open === 1 ? '' : 's'} open or half-open`,
    'Click to open the OpenRTC view.',
  ].join('\n');
  return { text, tooltip, warning: open > 0, error: false, blamedLine: null };
}
