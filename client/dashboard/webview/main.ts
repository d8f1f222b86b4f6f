// The dashboard page: controls (range, tenant filter, exports), the loop-lag chart with its block
// list, one section per tenant (levels + breaker band, counts), the busiest sessions. It draws
// the frames the panel sends and asks the panel for everything else; it never reaches the network.
import 'uplot/dist/uPlot.min.css';
import './dashboard.css';
import type { BlockMarkView, DashboardFrame, FromWebview, RangeKey, TenantFrame, ToWebview } from '../messages';
import { RANGES } from '../messages';
import { BREAKER_STATE_WORDS } from '../../../protocol/wording';
import { LagChart, TenantCountsChart, TenantLevelsChart } from './charts';
import { OnScreen } from './on-screen';
import { onThemeChange, readPalette, type Palette } from './theme';

declare function acquireVsCodeApi(): { postMessage(message: FromWebview): void };
const vscode = acquireVsCodeApi();
const send = (message: FromWebview): void => vscode.postMessage(message);

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

const clock = (t: number): string => new Date(t * 1000).toLocaleTimeString(undefined, { hour12: false });

interface TenantView {
  section: HTMLElement;
  title: HTMLElement;
  levels: TenantLevelsChart;
  counts: TenantCountsChart;
  bands: HTMLOListElement;
  /** The tenant's data its charts have not drawn yet, while the section is off screen. */
  pending: TenantFrame | null;
}

class Dashboard {
  private palette: Palette = readPalette();
  private frame: DashboardFrame | null = null;
  /** Captures in progress, and the panel's latest frame held back meanwhile. */
  private capturing = 0;
  private held: DashboardFrame | null = null;
  private readonly header = el('header', { class: 'controls', role: 'toolbar', 'aria-label': 'Dashboard controls' });
  private readonly rangeButtons = new Map<RangeKey, HTMLButtonElement>();
  private readonly tenantSelect = el('select', { id: 'tenant-filter', 'aria-label': 'Tenant filter' });
  private readonly suspect = el('p', { id: 'suspect', role: 'status' });
  private readonly lagHost = el('div', { class: 'chart', id: 'lag-chart' });
  private readonly blockList = el('ul', { id: 'blocks', class: 'blocks', 'aria-label': 'Slow-session blocks' });
  private readonly tenantsHost = el('div', { id: 'tenants' });
  private readonly cpuHost = el('table', { id: 'cpu', class: 'cpu' });
  private readonly footer = el('footer', { id: 'footer' });
  private lag: LagChart;
  private readonly tenants = new Map<string, TenantView>();
  private readonly onScreen = new OnScreen((section) => this.drawShown(section));

  constructor(private readonly root: HTMLElement) {
    this.lag = new LagChart(this.lagHost, this.palette, (b) => this.open(b));
    this.buildControls();
    root.replaceChildren(
      this.header,
      this.suspect,
      el('h2', {}, 'Loop lag'),
      this.lagHost,
      el('details', { open: '' }, el('summary', {}, 'Blocks (session · tenant · source line)'), this.blockList),
      el('h2', {}, 'Tenants'),
      this.tenantsHost,
      el('h2', {}, 'Busiest sessions (CPU share)'),
      this.cpuHost,
      this.footer,
    );
    new ResizeObserver(() => this.resize()).observe(root);
    onThemeChange(() => this.retheme());
  }

  private buildControls(): void {
    const ranges = el('div', { role: 'group', 'aria-label': 'Time range' });
    for (const [key, r] of Object.entries(RANGES) as [RangeKey, (typeof RANGES)[RangeKey]][]) {
      const b = el('button', { type: 'button', 'data-range': key, 'aria-pressed': 'false' }, r.label);
      b.addEventListener('click', () => send({ type: 'setRange', range: key }));
      this.rangeButtons.set(key, b);
      ranges.append(b);
    }
    this.tenantSelect.addEventListener('change', () =>
      send({ type: 'setTenant', tenant: this.tenantSelect.value === '' ? null : this.tenantSelect.value }),
    );
    const png = el('button', { type: 'button', id: 'export-png' }, 'Export PNG');
    png.addEventListener('click', () => this.exportPng());
    const csv = el('button', { type: 'button', id: 'export-csv' }, 'Export CSV');
    csv.addEventListener('click', () => send({ type: 'exportCsv' }));
    this.header.append(ranges, el('label', { for: 'tenant-filter' }, 'Tenant '), this.tenantSelect, png, csv);
  }

  private width(): number {
    return Math.max(320, this.root.clientWidth - 24);
  }

  private draw(frame: DashboardFrame): void {
    this.frame = frame;
    document.title = `OpenRTC Dashboard · ${frame.workerLabel}`;
    for (const [key, b] of this.rangeButtons) b.setAttribute('aria-pressed', String(key === frame.range));
    this.drawFilter(frame);
    this.suspect.textContent = frame.suspect
      ? `Suspect (Tenant Incident ranking): ${frame.suspect} — ${frame.suspectEvidence.join(' · ')}`
      : 'No suspect: no tenant shows signs of trouble.';
    this.suspect.dataset.tenant = frame.suspect ?? '';
    const width = this.width();
    this.lag.update(frame, width);
    this.drawBlocks(frame.blocks);
    this.drawTenants(frame, width);
    this.drawCpu(frame);
    this.footer.textContent =
      `${clock(frame.fromT)} – ${clock(frame.toT)} · intervals of ${frame.binS}s` +
      (frame.skippedLines
        ? ` · ${frame.skippedLines} unreadable metrics line(s) skipped (${frame.skipReason ?? ''})`
        : '');
  }

  private drawFilter(frame: DashboardFrame): void {
    const options = ['', ...frame.tenantNames];
    const current = [...this.tenantSelect.options].map((o) => o.value);
    if (options.join('\n') !== current.join('\n')) {
      this.tenantSelect.replaceChildren(
        ...options.map((name) =>
          el(
            'option',
            { value: name },
            name === '' ? 'All tenants' : name === frame.suspect ? `${name} (suspect)` : name,
          ),
        ),
      );
    }
    this.tenantSelect.value = frame.tenantFilter ?? '';
  }

  private drawBlocks(blocks: BlockMarkView[]): void {
    this.blockList.replaceChildren(
      ...(blocks.length === 0
        ? [el('li', {}, 'No slow-session blocks in this range.')]
        : blocks
            .slice(-50)
            .reverse()
            .map((b) => {
              const text = `${clock(b.t)} · ${Math.round(b.blockedMs)} ms · ${b.tenant ?? 'runtime'} · ${b.session ?? 'no session'} · ${b.label}`;
              if (b.file === null) return el('li', {}, text);
              const button = el(
                'button',
                {
                  type: 'button',
                  class: 'block-mark',
                  'data-file': b.file,
                  'data-line': String(b.line ?? 1),
                  'data-session': b.session ?? '',
                  'data-tenant': b.tenant ?? '',
                  title: `Open ${b.file}:${b.line ?? 1}`,
                },
                text,
              );
              button.addEventListener('click', () => this.open(b));
              return el('li', {}, button);
            })),
    );
  }

  private open(b: BlockMarkView): void {
    if (b.file !== null) send({ type: 'openSource', file: b.file, line: b.line ?? 1, column: b.column ?? 1 });
  }

  private tenantView(name: string): TenantView {
    let view = this.tenants.get(name);
    if (view) return view;
    const levelsHost = el('div', { class: 'chart' });
    const countsHost = el('div', { class: 'chart' });
    const title = el('h3', {}, name);
    const bands = el('ol', { class: 'breaker-spans', 'aria-label': `Breaker of ${name}` });
    const section = el('section', { class: 'tenant', 'data-tenant': name, 'aria-label': `Tenant ${name}` });
    section.append(title, levelsHost, el('details', {}, el('summary', {}, 'Breaker states'), bands), countsHost);
    view = {
      section,
      title,
      levels: new TenantLevelsChart(levelsHost, this.palette),
      counts: new TenantCountsChart(countsHost, this.palette),
      bands,
      pending: null,
    };
    this.onScreen.watch(section);
    this.tenants.set(name, view);
    return view;
  }

  private drawTenants(frame: DashboardFrame, width: number): void {
    const shown = new Set(frame.tenants.map((t) => t.name));
    for (const [name, view] of this.tenants) {
      if (shown.has(name)) continue;
      this.onScreen.forget(view.section);
      view.levels.destroy();
      view.counts.destroy();
      view.section.remove();
      this.tenants.delete(name);
    }
    // The suspect first: during an incident it is the one to look at.
    const ordered = [...frame.tenants].sort(
      (a, b) => Number(b.name === frame.suspect) - Number(a.name === frame.suspect) || a.name.localeCompare(b.name),
    );
    ordered.forEach((t, i) => {
      const view = this.tenantView(t.name);
      if (this.tenantsHost.children[i] !== view.section)
        this.tenantsHost.insertBefore(view.section, this.tenantsHost.children[i] ?? null);
      this.drawTenant(view, t, frame, width);
    });
  }

  private drawCharts(view: TenantView, t: TenantFrame, frame: DashboardFrame, width: number): void {
    view.pending = null;
    view.levels.update(t, frame, width);
    view.counts.update(t, frame, width);
  }

  /** A section scrolled into view: its charts catch up with the latest frame. */
  private drawShown(section: Element): void {
    const view = [...this.tenants.values()].find((v) => v.section === section);
    if (view?.pending && this.frame) this.drawCharts(view, view.pending, this.frame, this.width());
  }

  /** Before a picture of every chart: draws those waiting off screen; true if any was. */
  private drawPending(): boolean {
    const waiting = [...this.tenants.values()].filter((v) => v.pending);
    if (this.frame) for (const v of waiting) this.drawCharts(v, v.pending as TenantFrame, this.frame, this.width());
    return waiting.length > 0;
  }

  private drawTenant(view: TenantView, t: TenantFrame, frame: DashboardFrame, width: number): void {
    const suspect = t.name === frame.suspect;
    view.section.classList.toggle('suspect', suspect);
    const lastActive = t.active[t.active.length - 1];
    const lastCap = t.cap[t.cap.length - 1];
    const state = t.breaker[t.breaker.length - 1]?.state ?? 'closed';
    view.title.textContent = `${t.name}${suspect ? ' — suspect' : ''} · active ${lastActive ?? 0}/${lastCap ?? '∞'} · breaker ${BREAKER_STATE_WORDS[state]}`;
    view.section.dataset.breaker = state;
    // The DOM (title, breaker list) is always exact; only the canvases wait to be on screen.
    if (this.onScreen.has(view.section)) this.drawCharts(view, t, frame, width);
    else view.pending = t;
    view.bands.replaceChildren(
      ...t.breaker.map((s) =>
        el(
          'li',
          { 'data-state': s.state, 'data-from': String(s.from), 'data-to': String(s.to) },
          `${BREAKER_STATE_WORDS[s.state]} ${clock(s.from)} – ${clock(s.to)}`,
        ),
      ),
      ...t.isolation.map((m) =>
        el(
          'li',
          { 'data-isolation': m.isolated ? 'process' : 'coroutine', 'data-at': String(m.t) },
          `${m.isolated ? 'isolated' : 'restored'} at ${clock(m.t)}`,
        ),
      ),
    );
  }

  private drawCpu(frame: DashboardFrame): void {
    const rows = frame.cpu.map((c) =>
      el(
        'tr',
        {},
        el('td', {}, c.session),
        el('td', {}, c.tenant),
        el(
          'td',
          {},
          el('meter', { min: '0', max: '100', value: String(c.cpuPct), 'aria-label': `${c.cpuPct.toFixed(1)}%` }),
        ),
        el('td', { class: 'num' }, `${c.cpuPct.toFixed(1)}%`),
      ),
    );
    this.cpuHost.replaceChildren(
      el(
        'thead',
        {},
        el('tr', {}, el('th', {}, 'session'), el('th', {}, 'tenant'), el('th', {}, 'cpu share'), el('th', {}, '')),
      ),
      el('tbody', {}, ...(rows.length ? rows : [el('tr', {}, el('td', { colspan: '4' }, 'No live sessions.'))])),
    );
  }

  private resize(): void {
    const width = this.width();
    this.lag.resize(width);
    for (const v of this.tenants.values()) {
      v.levels.resize(width);
      v.counts.resize(width);
    }
  }

  /** Theme colours are baked into the charts: rebuild them all with the new palette. */
  private retheme(): void {
    this.palette = readPalette();
    this.lag.destroy();
    this.lag = new LagChart(this.lagHost, this.palette, (b) => this.open(b));
    for (const v of this.tenants.values()) {
      this.onScreen.forget(v.section);
      v.levels.destroy();
      v.counts.destroy();
      v.section.remove();
    }
    this.tenants.clear();
    if (this.frame) this.draw(this.frame);
  }

  /** Every chart's canvas stacked into one image, on the theme's background, as a PNG data URL. */
  private renderPng(): string | null {
    const canvases: { title: string; canvas: HTMLCanvasElement }[] = [];
    const lag = this.lag.canvas();
    if (lag) canvases.push({ title: 'Loop lag', canvas: lag });
    for (const [name, v] of this.tenants) {
      const levels = v.levels.canvas();
      const counts = v.counts.canvas();
      if (levels) canvases.push({ title: `${name}: active vs cap, breaker band`, canvas: levels });
      if (counts) canvases.push({ title: `${name}: started / failed / rejected`, canvas: counts });
    }
    const titleH = 22 * devicePixelRatio;
    const width = Math.max(1, ...canvases.map((c) => c.canvas.width));
    const height = canvases.reduce((h, c) => h + c.canvas.height + titleH, titleH);
    const out = document.createElement('canvas');
    out.width = width;
    out.height = height;
    const ctx = out.getContext('2d');
    if (!ctx) return null;
    ctx.fillStyle = this.palette.background;
    ctx.fillRect(0, 0, width, height);
    ctx.fillStyle = this.palette.foreground;
    ctx.font = `${13 * devicePixelRatio}px sans-serif`;
    ctx.fillText(document.title, 4, 16 * devicePixelRatio);
    let y = titleH;
    for (const c of canvases) {
      ctx.fillText(c.title, 4, y + 16 * devicePixelRatio);
      ctx.drawImage(c.canvas, 0, y + titleH);
      y += titleH + c.canvas.height;
    }
    return out.toDataURL('image/png');
  }

  private exportPng(): void {
    const sendPng = (): void => {
      const dataUrl = this.renderPng();
      if (dataUrl) send({ type: 'png', dataUrl });
    };
    // uPlot paints in a microtask after setData: this one, queued after, sees the charts drawn.
    if (this.drawPending()) queueMicrotask(sendPng);
    else sendPng();
  }

  /**
   * Draws the bundle's one-tenant frame and answers with its PNG. uPlot paints in a microtask
   * after setData, so the image is taken in the next task; a frame that arrives in between is held
   * until then, so the picture can only ever show the bundle's tenant.
   */
  capture(id: number, frame: DashboardFrame): void {
    this.capturing += 1;
    this.draw(frame);
    this.drawPending();
    setTimeout(() => {
      const dataUrl = this.renderPng();
      if (dataUrl) send({ type: 'captured', id, dataUrl });
      this.capturing -= 1;
      const held = this.held;
      if (!held || this.capturing > 0) return;
      this.held = null;
      this.draw(held);
    }, 0);
  }

  /** A frame from the panel: drawn now, or after the capture in progress. */
  receive(frame: DashboardFrame): void {
    if (this.capturing > 0) this.held = frame;
    else this.draw(frame);
  }
}

const root = document.getElementById('app');
if (root) {
  const dashboard = new Dashboard(root);
  window.addEventListener('message', (e: MessageEvent<ToWebview>) => {
    const m = e.data;
    if (m.type === 'frame') dashboard.receive(m.frame);
    else if (m.type === 'capture') dashboard.capture(m.id, m.frame);
  });
  send({ type: 'ready' });
}
