// `openrtc top`'s trend line: loop lag p99 and the selected tenant's active sessions over the
// last refreshes, as Unicode block sparklines, for operators who are not in the editor. Pure.
import type { RuntimeSnapshot } from '../../protocol/control';

const BLOCKS = '▁▂▃▄▅▆▇█';

/** One block per value, scaled from 0 to the largest value shown (all zero: the lowest block). */
export function sparkline(values: readonly number[]): string {
  const top = Math.max(0, ...values);
  return values
    .map((v) => BLOCKS[top <= 0 ? 0 : Math.min(7, Math.max(0, Math.round((v / top) * 7)))] as string)
    .join('');
}

interface Sample {
  lagP99: number;
  activeAll: number;
  active: Record<string, number>;
}

/** The last `capacity` snapshots' figures, enough to draw the line for whichever tenant is selected. */
export class TopTrend {
  private readonly samples: Sample[] = [];

  constructor(private readonly capacity = 40) {}

  push(snapshot: RuntimeSnapshot): void {
    const active: Record<string, number> = {};
    for (const [name, t] of Object.entries(snapshot.tenants)) active[name] = t.active;
    this.samples.push({ lagP99: snapshot.loop_lag.p99_ms, activeAll: snapshot.active_sessions, active });
    if (this.samples.length > this.capacity) this.samples.shift();
  }

  /** `lag p99 ▁▂█▃ 12.0ms · acme active ▁▂▂▃ 3` (the last value after each line). */
  line(tenant: string | null): string {
    if (this.samples.length === 0) return '';
    const lag = this.samples.map((s) => s.lagP99);
    const active = this.samples.map((s) => (tenant === null ? s.activeAll : (s.active[tenant] ?? 0)));
    const last = (xs: number[]): number => xs[xs.length - 1] ?? 0;
    return `lag p99 ${sparkline(lag)} ${last(lag).toFixed(1)}ms · ${tenant ?? 'all tenants'} active ${sparkline(active)} ${last(active)}`;
  }
}
