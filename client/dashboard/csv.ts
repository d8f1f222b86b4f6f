// The data behind the current dashboard view as CSV, one row per point, in long form
// (time, series, tenant, value, detail) so every chart's data fits one table a spreadsheet can
// pivot. Pure. Times are ISO strings: the file is for people and scripts, not for uPlot.
import type { DashboardFrame } from './messages';

const HEADER = 'time,series,tenant,value,detail';

/** RFC 4180 quoting: tenant names and source paths may hold commas or quotes. */
function cell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();

export function frameToCsv(frame: DashboardFrame): string {
  const rows: string[] = [HEADER];
  const row = (t: number, series: string, tenant: string | null, value: number | null, detail = ''): void => {
    rows.push([iso(t), series, tenant, value, detail].map(cell).join(','));
  };
  frame.lag.t.forEach((t, i) => {
    row(t, 'loop_lag_p50_ms', null, frame.lag.p50[i] ?? null);
    row(t, 'loop_lag_p99_ms', null, frame.lag.p99[i] ?? null);
    row(t, 'loop_lag_max_ms', null, frame.lag.max[i] ?? null);
  });
  for (const b of frame.blocks) {
    const where = b.file === null ? b.label : `${b.file}:${b.line ?? ''}`;
    row(b.t, 'block_ms', b.tenant, b.blockedMs, `${b.session ?? 'runtime'} ${where}`);
  }
  for (const t of frame.tenants) {
    t.t.forEach((at, i) => {
      row(at, 'active', t.name, t.active[i] ?? null);
      row(at, 'cap', t.name, t.cap[i] ?? null);
    });
    t.binT.forEach((at, i) => {
      row(at, 'started', t.name, t.started[i] ?? 0, `per ${frame.binS}s`);
      row(at, 'failed', t.name, t.failed[i] ?? 0, `per ${frame.binS}s`);
      for (const [reason, counts] of Object.entries(t.rejected))
        row(at, `rejected_${reason}`, t.name, counts[i] ?? 0, `per ${frame.binS}s`);
    });
    for (const s of t.breaker) row(s.from, 'breaker', t.name, s.to - s.from, `${s.state} until ${iso(s.to)}`);
    for (const m of t.isolation)
      row(m.t, 'isolation', t.name, m.isolated ? 1 : 0, m.isolated ? 'process' : 'coroutine');
  }
  for (const c of frame.cpu) row(frame.toT, 'cpu_pct', c.tenant, c.cpuPct, c.session);
  return rows.join('\n') + '\n';
}
