// What the status bar item says for the watched workers. Pure (the item lives in views/).
import type { WorkerState } from './worker-state';

export interface StatusSummary {
  text: string;
  tooltip: string;
  warning: boolean;
}

/** Pure: what the item says for the watched workers. */
export function summarise(workers: readonly WorkerState[]): StatusSummary {
  if (workers.length === 0)
    return {
      text: '$(circle-slash) OpenRTC: stopped',
      tooltip: 'No OpenRTC runtime. Click to open the OpenRTC view.',
      warning: false,
    };
  const live = workers.filter((w) => w.connection === 'connected' && w.summary);
  if (live.length === 0) {
    const why = workers.find((w) => w.problem)?.problem;
    return {
      text: '$(debug-disconnect) OpenRTC: disconnected',
      tooltip: why ?? 'Connecting to the runtime…',
      warning: true,
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
  return { text, tooltip, warning: open > 0 };
}
