// The agreement between the dashboard panel (extension side) and its webview script. Types and
// constants only: the webview bundle imports this file and nothing else from the extension.
// Times on the wire are epoch seconds (uPlot's x unit).

export type RangeKey = '5m' | '1h' | 'all';
export const RANGES: Record<RangeKey, { label: string; ms: number | null }> = {
  '5m': { label: 'Last 5 min', ms: 5 * 60_000 },
  '1h': { label: 'Last 1 h', ms: 60 * 60_000 },
  all: { label: 'All since start', ms: null },
};

export type BandState = 'closed' | 'open' | 'half_open';

export interface BlockMarkView {
  t: number;
  blockedMs: number;
  session: string | null;
  tenant: string | null;
  /** `fn (file:line)` for the tooltip and the list, or a note that no agent frame was found. */
  label: string;
  file: string | null;
  line: number | null;
  column: number | null;
}

export interface TenantFrame {
  name: string;
  /** Active sessions vs cap, downsampled (max per bucket) to what the chart can show. */
  t: number[];
  active: number[];
  cap: (number | null)[];
  /** Per interval (`binS` wide), the interval's start time and its counts. */
  binT: number[];
  started: number[];
  failed: number[];
  /** Reason → counts per interval (only reasons that occurred in range). */
  rejected: Record<string, number[]>;
  breaker: { from: number; to: number; state: BandState }[];
  isolation: { t: number; isolated: boolean }[];
}

export interface CpuRow {
  session: string;
  tenant: string;
  cpuPct: number;
}

export interface DashboardFrame {
  workerLabel: string;
  range: RangeKey;
  tenantFilter: string | null;
  /** Every tenant known, for the filter (not only those in the frame). */
  tenantNames: string[];
  /** The Tenant Incident runbook's top-ranked suspect, null when nothing looks wrong. */
  suspect: string | null;
  suspectEvidence: string[];
  fromT: number;
  toT: number;
  binS: number;
  lag: { t: number[]; p50: number[]; p99: number[]; max: number[] };
  blocks: BlockMarkView[];
  tenants: TenantFrame[];
  cpu: CpuRow[];
  skippedLines: number;
  skipReason: string | null;
}

export type ToWebview =
  | { type: 'frame'; frame: DashboardFrame }
  /** Draw `frame` (one tenant's, for an escalation bundle) and answer with `captured`. */
  | { type: 'capture'; id: number; frame: DashboardFrame };

export type FromWebview =
  | { type: 'ready' }
  | { type: 'setRange'; range: RangeKey }
  | { type: 'setTenant'; tenant: string | null }
  | { type: 'openSource'; file: string; line: number; column: number }
  | { type: 'exportCsv' }
  | { type: 'png'; dataUrl: string }
  | { type: 'captured'; id: number; dataUrl: string };
