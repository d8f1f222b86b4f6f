// From the series model to one dashboard frame: only the chosen range and tenant, downsampled to
// what a chart of `maxPoints` columns can show (peaks kept: a lag spike must not average away),
// counts gathered into at most `maxBins` intervals. Pure: the clock comes in.
import { basename } from 'node:path';
import type { BlockMarkView, DashboardFrame, RangeKey, TenantFrame } from '../dashboard/messages';
import { RANGES } from '../dashboard/messages';
import { rankSuspects } from '../runbooks/tenant-incident';
import { sourcePath } from './observed-blocks';
import type { BlockMark, SecondCounts, SeriesModel, TenantTrack } from './series';

export interface FrameRequest {
  range: RangeKey;
  tenant: string | null;
  nowMs: number;
  workerLabel: string;
  maxPoints?: number;
  maxBins?: number;
  busiest?: number;
}

/** Interval widths offered, in seconds: the smallest giving at most maxBins bars is used. */
const BIN_STEPS_S = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21_600, 86_400];

export function binSeconds(spanS: number, maxBins: number): number {
  for (const step of BIN_STEPS_S) if (spanS / step <= maxBins) return step;
  return BIN_STEPS_S[BIN_STEPS_S.length - 1] as number;
}

/** First index with times[i] >= fromMs (times ascending). */
function lowerBound(times: readonly number[], fromMs: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] as number) < fromMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Keeps samples in [fromMs, toMs] and folds them into buckets of equal width, each taking the max
 * of every series (and the bucket's last time). Returns times in seconds.
 */
export function downsampleMax(
  times: readonly number[],
  series: readonly (readonly (number | null)[])[],
  fromMs: number,
  toMs: number,
  maxPoints: number,
): { t: number[]; values: (number | null)[][] } {
  const start = lowerBound(times, fromMs);
  const end = lowerBound(times, toMs + 1);
  const n = end - start;
  const out = { t: [] as number[], values: series.map(() => [] as (number | null)[]) };
  if (n <= 0) return out;
  const per = Math.max(1, Math.ceil(n / maxPoints));
  for (let i = start; i < end; i += per) {
    const stop = Math.min(end, i + per);
    out.t.push((times[stop - 1] as number) / 1000);
    series.forEach((s, k) => {
      let best: number | null = null;
      for (let j = i; j < stop; j++) {
        const v = s[j] ?? null;
        if (v !== null && (best === null || v > best)) best = v;
      }
      (out.values[k] as (number | null)[]).push(best);
    });
  }
  return out;
}

function binCounts(counts: SecondCounts, fromS: number, bins: number, binS: number): number[] {
  const out = new Array<number>(bins).fill(0);
  for (const [second, n] of counts) {
    const i = Math.floor((second - fromS) / binS);
    if (i >= 0 && i < bins) out[i] = (out[i] as number) + n;
  }
  return out;
}

function blockView(b: BlockMark): BlockMarkView {
  const f = b.frame;
  const file = f ? sourcePath(f.file) : null;
  return {
    t: b.atMs / 1000,
    blockedMs: b.blockedMs,
    session: b.sessionId,
    tenant: b.tenant,
    label: f && file ? `${f.function} (${basename(file)}:${f.line})` : 'outside agent code (no agent frame)',
    file: f?.file ?? null,
    line: f?.line ?? null,
    column: f?.column ?? null,
  };
}

function tenantFrame(
  name: string,
  track: TenantTrack,
  span: { fromMs: number; toMs: number; fromS: number; bins: number; binS: number },
  maxPoints: number,
): TenantFrame {
  const levels = downsampleMax(track.sampleMs, [track.active, track.cap], span.fromMs, span.toMs, maxPoints);
  const rejected: Record<string, number[]> = {};
  for (const [reason, counts] of track.rejected) {
    const row = binCounts(counts, span.fromS, span.bins, span.binS);
    if (row.some((n) => n > 0)) rejected[reason] = row;
  }
  const breaker = track.breaker
    .filter((s) => (s.toMs ?? span.toMs) >= span.fromMs && s.fromMs <= span.toMs)
    .map((s) => ({
      from: Math.max(s.fromMs, span.fromMs) / 1000,
      to: Math.min(s.toMs ?? span.toMs, span.toMs) / 1000,
      state: s.state,
    }));
  return {
    name,
    t: levels.t,
    active: (levels.values[0] ?? []).map((v) => v ?? 0),
    cap: levels.values[1] ?? [],
    binT: Array.from({ length: span.bins }, (_, i) => span.fromS + i * span.binS),
    started: binCounts(track.started, span.fromS, span.bins, span.binS),
    failed: binCounts(track.failed, span.fromS, span.bins, span.binS),
    rejected,
    breaker,
    isolation: track.isolation
      .filter((m) => m.atMs >= span.fromMs && m.atMs <= span.toMs)
      .map((m) => ({ t: m.atMs / 1000, isolated: m.isolated })),
  };
}

export function buildFrame(model: SeriesModel, req: FrameRequest): DashboardFrame {
  const maxPoints = req.maxPoints ?? 1200;
  const maxBins = req.maxBins ?? 120;
  const toMs = Math.max(req.nowMs, model.lastMs ?? req.nowMs);
  const rangeMs = RANGES[req.range].ms;
  const fromMs = rangeMs === null ? Math.min(model.firstMs ?? toMs, toMs) : toMs - rangeMs;
  const binS = binSeconds(Math.max(1, (toMs - fromMs) / 1000), maxBins);
  const fromS = Math.floor(fromMs / 1000 / binS) * binS;
  const bins = Math.max(1, Math.ceil((toMs / 1000 - fromS) / binS));
  const span = { fromMs, toMs, fromS, bins, binS };

  const lag = downsampleMax(model.lag.atMs, [model.lag.p50, model.lag.p99, model.lag.max], fromMs, toMs, maxPoints);
  const inTenant = (tenant: string | null): boolean => req.tenant === null || tenant === req.tenant;
  const tenants: TenantFrame[] = [];
  for (const name of [...model.tenants.keys()].sort()) {
    if (!inTenant(name)) continue;
    tenants.push(tenantFrame(name, model.tenants.get(name) as TenantTrack, span, maxPoints));
  }
  const top = model.latest ? rankSuspects(model.latest, req.nowMs)[0] : undefined;
  return {
    workerLabel: req.workerLabel,
    range: req.range,
    tenantFilter: req.tenant,
    tenantNames: [...model.tenants.keys()].sort(),
    suspect: top?.tenant ?? null,
    suspectEvidence: top?.evidence ?? [],
    fromT: fromMs / 1000,
    toT: toMs / 1000,
    binS,
    lag: {
      t: lag.t,
      p50: (lag.values[0] ?? []).map((v) => v ?? 0),
      p99: (lag.values[1] ?? []).map((v) => v ?? 0),
      max: (lag.values[2] ?? []).map((v) => v ?? 0),
    },
    blocks: model.blocks
      .filter((b) => b.atMs >= fromMs && b.atMs <= toMs && inTenant(b.tenant))
      .slice(-500)
      .map(blockView),
    tenants,
    cpu: model
      .busiest(req.busiest ?? 10)
      .filter((r) => inTenant(r.tenant))
      .map((r) => ({ session: r.session_id, tenant: r.tenant, cpuPct: r.cpu_pct })),
    skippedLines: model.skippedLines,
    skipReason: model.lastSkipReason,
  };
}
