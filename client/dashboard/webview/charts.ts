// The dashboard's uPlot charts: loop lag with block marks, and per tenant active vs cap with the
// breaker band and isolation marks, and the interval counts stacked. Each chart is an object that
// takes new data (setData, no rebuild) and is rebuilt only when its series change: a live range
// moves every second, and rebuilding every chart each frame cost the page ~0.3 s a second at 20
// tenants (bench/dashboard), so the x range is read from the frame at each draw instead.
import uPlot from 'uplot';
import type { BlockMarkView, DashboardFrame, TenantFrame } from '../messages';
import { minMaxPerColumn } from './min-max';
import type { Palette } from './theme';

const HEIGHT = 170;
const BAND_PX = 8;
const MARK_HIT_PX = 6;

function axes(p: Palette, yLabel: string): uPlot.Axis[] {
  const axis = { stroke: p.foreground, grid: { stroke: p.grid, width: 1 }, ticks: { stroke: p.grid, width: 1 } };
  return [axis, { ...axis, label: yLabel, size: 50 }];
}

/** The time range of the frame being drawn: the charts' x scale reads it at each draw. */
export interface Span {
  fromT: number;
  toT: number;
}

const xScale = (span: Span): uPlot.Scale => ({ time: true, range: () => [span.fromT, span.toT] });

function base(p: Palette, width: number, yLabel: string, span: Span): Omit<uPlot.Options, 'series'> {
  return {
    width,
    height: HEIGHT,
    scales: { x: xScale(span) },
    axes: axes(p, yLabel),
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
  };
}

/** A translucent fill of a theme colour; theme values that are not #rrggbb get no fill. */
const translucent = (colour: string): string | undefined =>
  /^#[0-9a-f]{6}$/i.test(colour) ? `${colour}22` : undefined;

const fillOf = (colour: string): { fill?: string } => {
  const fill = translucent(colour);
  return fill ? { fill } : {};
};

/** What uPlot draws of a line chart's series: at most two points per pixel column (the frame stays exact). */
function lines(t: number[], ys: (number | null)[][], span: Span, width: number): uPlot.AlignedData {
  const r = minMaxPerColumn({ t, ys }, span.fromT, span.toT, width);
  return [r.t, ...r.ys];
}

/** Canvas x of a time, in device pixels (uPlot draws on a DPR-scaled canvas). */
const xAt = (u: uPlot, t: number): number => u.valToPos(t, 'x', true);

/** What every chart shares: one uPlot in its host, given new data, or rebuilt when its key changes. */
abstract class Chart {
  protected plot: uPlot | null = null;
  private key = '';
  protected readonly span: Span = { fromT: 0, toT: 0 };

  constructor(
    private readonly target: HTMLElement,
    protected readonly palette: Palette,
  ) {}

  /** `data` over `frame`'s range into the chart, or a new chart from `options()` when `key` (its series) differs: true then. */
  protected show(frame: Span, key: string, data: uPlot.AlignedData, options: () => uPlot.Options): boolean {
    this.span.fromT = frame.fromT;
    this.span.toT = frame.toT;
    if (this.plot && key === this.key) {
      this.plot.setData(data);
      return false;
    }
    this.key = key;
    this.plot?.destroy();
    this.plot = new uPlot(options(), data, this.target);
    return true;
  }

  resize(width: number): void {
    this.plot?.setSize({ width, height: HEIGHT });
  }

  canvas(): HTMLCanvasElement | null {
    return this.plot?.ctx.canvas ?? null;
  }

  destroy(): void {
    this.plot?.destroy();
    this.plot = null;
  }
}

export class LagChart extends Chart {
  private blocks: BlockMarkView[] = [];

  constructor(
    target: HTMLElement,
    palette: Palette,
    private readonly onBlock: (b: BlockMarkView) => void,
  ) {
    super(target, palette);
  }

  update(frame: DashboardFrame, width: number): void {
    this.blocks = frame.blocks;
    const p = this.palette;
    const data = lines(frame.lag.t, [frame.lag.p50, frame.lag.p99, frame.lag.max], frame, width);
    const rebuilt = this.show(frame, 'lag', data, () => ({
      ...base(p, width, 'loop lag ms', this.span),
      series: [
        {},
        { label: 'p50', stroke: p.p50, width: 1.5 },
        { label: 'p99', stroke: p.p99, width: 1.5 },
        { label: 'max', stroke: p.max, width: 1.5, dash: [4, 3] },
      ],
      hooks: { draw: [(u) => this.drawMarks(u)] },
    }));
    if (rebuilt) this.plot?.over.addEventListener('click', (e) => this.click(e));
  }

  /** A downward triangle at the top of the plot for each block, sized by how long it held the loop. */
  private drawMarks(u: uPlot): void {
    const ctx = u.ctx;
    const top = u.bbox.top;
    const r = 5 * devicePixelRatio;
    ctx.save();
    ctx.fillStyle = this.palette.block;
    for (const b of this.blocks) {
      const x = xAt(u, b.t);
      ctx.beginPath();
      ctx.moveTo(x - r, top);
      ctx.lineTo(x + r, top);
      ctx.lineTo(x, top + 2 * r);
      ctx.closePath();
      ctx.fill();
    }
    ctx.restore();
  }

  private click(e: MouseEvent): void {
    const u = this.plot;
    if (!u) return;
    const x = e.offsetX;
    let best: BlockMarkView | null = null;
    let bestDx = MARK_HIT_PX;
    for (const b of this.blocks) {
      const dx = Math.abs(u.valToPos(b.t, 'x') - x);
      if (dx <= bestDx && b.file !== null) {
        best = b;
        bestDx = dx;
      }
    }
    if (best) this.onBlock(best);
  }
}

/** Active sessions against the cap, with the breaker band along the bottom and isolation marks. */
export class TenantLevelsChart extends Chart {
  private tenant: TenantFrame | null = null;

  update(t: TenantFrame, frame: DashboardFrame, width: number): void {
    this.tenant = t;
    const p = this.palette;
    this.show(frame, 'levels', lines(t.t, [t.active, t.cap], frame, width), () => ({
      ...base(p, width, 'sessions', this.span),
      scales: {
        x: xScale(this.span),
        y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.15] },
      },
      series: [
        {},
        { label: 'active', stroke: p.active, width: 1.5, ...fillOf(p.active) },
        { label: 'cap', stroke: p.cap, width: 1, dash: [6, 4] },
      ],
      hooks: { draw: [(u) => this.drawBands(u)] },
    }));
  }

  private drawBands(u: uPlot): void {
    const t = this.tenant;
    if (!t) return;
    const ctx = u.ctx;
    const band = BAND_PX * devicePixelRatio;
    const y = u.bbox.top + u.bbox.height - band;
    const colour = { closed: this.palette.closed, open: this.palette.open, half_open: this.palette.halfOpen };
    ctx.save();
    for (const s of t.breaker) {
      const x0 = xAt(u, s.from);
      const x1 = xAt(u, s.to);
      ctx.globalAlpha = s.state === 'closed' ? 0.35 : 0.9;
      ctx.fillStyle = colour[s.state];
      ctx.fillRect(x0, y, Math.max(1, x1 - x0), band);
    }
    ctx.globalAlpha = 1;
    ctx.strokeStyle = this.palette.isolation;
    ctx.lineWidth = 2 * devicePixelRatio;
    for (const m of t.isolation) {
      const x = xAt(u, m.t);
      ctx.setLineDash(m.isolated ? [] : [4 * devicePixelRatio, 3 * devicePixelRatio]);
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top);
      ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
    }
    ctx.restore();
  }
}

/** started / failed / rejected-by-reason per interval, as stacked bars (drawn tallest first). */
export class TenantCountsChart extends Chart {
  update(t: TenantFrame, frame: DashboardFrame, width: number): void {
    const layers: { label: string; values: number[]; colour: string }[] = [
      { label: 'started', values: t.started, colour: this.palette.started },
      { label: 'failed', values: t.failed, colour: this.palette.failed },
      ...Object.entries(t.rejected).map(([reason, values], i) => ({
        label: `rejected: ${reason.replace(/_/g, ' ')}`,
        values,
        colour: this.palette.rejected[i % this.palette.rejected.length] ?? this.palette.foreground,
      })),
    ];
    const sums: number[][] = [];
    let running = new Array<number>(t.binT.length).fill(0);
    for (const layer of layers) {
      running = running.map((v, i) => v + (layer.values[i] ?? 0));
      sums.push(running);
    }
    // Tallest (the sum of all) first, so each later, shorter bar leaves its own layer showing.
    const order = layers.map((_, i) => layers.length - 1 - i);
    const data: uPlot.AlignedData = [t.binT, ...order.map((i) => sums[i] as number[])];
    // The interval's length is in the axis label: a range of another length is another chart.
    const key = `${frame.binS}|${layers.map((l) => l.label).join(',')}`;
    this.show(frame, key, data, () => {
      const bars = uPlot.paths.bars?.({ size: [0.8, 40], align: 1 });
      return {
        ...base(this.palette, width, `per ${frame.binS}s`, this.span),
        series: [
          {},
          ...order.map((i) => {
            const layer = layers[i] as (typeof layers)[number];
            return {
              label: layer.label,
              stroke: layer.colour,
              fill: layer.colour,
              width: 0,
              ...(bars ? { paths: bars } : {}),
            };
          }),
        ],
      };
    });
  }
}
