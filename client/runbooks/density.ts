// Debugging Density runbook, the step logic: slow rows (with the blocking source line),
// CPU-hot sessions, the memory trend, and where to jump. Pure.
import type { SessionRow, StackFrame } from '../../protocol/control';

export interface SlowRow {
  row: SessionRow;
  frame: StackFrame | null;
  evidence: string;
}

export function slowRows(sessions: readonly SessionRow[]): SlowRow[] {
  return sessions
    .filter((s) => s.status === 'slow' || s.blocked_ms_last !== null)
    .sort((a, b) => (b.blocked_ms_last ?? 0) - (a.blocked_ms_last ?? 0))
    .map((row) => {
      const frame = row.blocked_frames?.[0] ?? null;
      return {
        row,
        frame,
        evidence: `${row.tenant}/${row.agent_name} blocked ${Math.round(row.blocked_ms_last ?? 0)}ms${frame ? ` at ${frame.function} (${frame.file}:${frame.line})` : ' (no source line captured)'}`,
      };
    });
}

export function cpuHot(sessions: readonly SessionRow[], top = 5, minPct = 1): SessionRow[] {
  return sessions
    .filter((s) => s.cpu_pct >= minPct)
    .sort((a, b) => b.cpu_pct - a.cpu_pct)
    .slice(0, top);
}

export interface MemorySample {
  atMs: number;
  rssMb: number;
}

export interface MemoryTrend {
  verdict: 'growing' | 'steady' | 'shrinking' | 'not enough samples';
  mbPerMinute: number;
  evidence: string;
}

/** Least-squares slope of RSS over the samples; "growing" past `growingMbPerMin`. */
export function memoryTrend(samples: readonly MemorySample[], growingMbPerMin = 5): MemoryTrend {
  if (samples.length < 3)
    return {
      verdict: 'not enough samples',
      mbPerMinute: 0,
      evidence: `${samples.length} RSS sample(s); need 3 or more`,
    };
  const n = samples.length;
  const t0 = samples[0]?.atMs ?? 0;
  const xs = samples.map((s) => (s.atMs - t0) / 60_000);
  const ys = samples.map((s) => s.rssMb);
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += ((xs[i] ?? 0) - mx) * ((ys[i] ?? 0) - my);
    den += ((xs[i] ?? 0) - mx) ** 2;
  }
  const slope = den === 0 ? 0 : num / den;
  const verdict = slope > growingMbPerMin ? 'growing' : slope < -growingMbPerMin ? 'shrinking' : 'steady';
  const first = ys[0] ?? 0;
  const last = ys[n - 1] ?? 0;
  return {
    verdict,
    mbPerMinute: slope,
    evidence: `RSS ${first.toFixed(0)} → ${last.toFixed(0)} MB over ${(xs[n - 1] ?? 0).toFixed(1)} min (${slope >= 0 ? '+' : ''}${slope.toFixed(1)} MB/min)`,
  };
}
