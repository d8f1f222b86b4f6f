// The dashboard's time series for one runtime: events and snapshots in (live off the socket, or
// history from metrics.jsonl), tracks out. Pure and bounded: time comes with each input, every
// track keeps at most `maxPoints` entries, so "all since start" cannot grow without limit.
// Snapshots give the levels (loop lag, active vs cap); events give the moments (breaker changes,
// blocks, isolation) and the per-second counts of started / failed / rejected.
import type {
  BreakerState,
  RejectionReason,
  RuntimeEvent,
  RuntimeSnapshot,
  SessionRow,
  StackFrame,
  TenantSnapshot,
} from '../../protocol/control';
import { parseMetricsLine } from './series-input';

export interface BlockMark {
  atMs: number;
  sessionId: string | null;
  tenant: string | null;
  agent: string | null;
  blockedMs: number;
  /** The agent-source frame the block is attributed to (the first frame), when there is one. */
  frame: StackFrame | null;
}

export interface BreakerSpan {
  fromMs: number;
  /** null: still in this state. */
  toMs: number | null;
  state: BreakerState;
}

export interface IsolationMark {
  atMs: number;
  isolated: boolean;
}

/** Counts per whole second (key: epoch second). */
export type SecondCounts = Map<number, number>;

export interface TenantTrack {
  /** Snapshot samples: time, active sessions, cap (null: no cap). */
  sampleMs: number[];
  active: number[];
  cap: (number | null)[];
  started: SecondCounts;
  failed: SecondCounts;
  rejected: Map<RejectionReason, SecondCounts>;
  breaker: BreakerSpan[];
  isolation: IsolationMark[];
}

export interface LagTrack {
  atMs: number[];
  p50: number[];
  p99: number[];
  max: number[];
}

export interface SeriesOptions {
  /** Bound on every track (samples, second buckets, marks, spans). */
  maxPoints: number;
}

const DEFAULTS: SeriesOptions = { maxPoints: 86_400 };

/** Drops the oldest entries of parallel arrays (called only once the first is over the limit). */
function trimArrays(limit: number, ...arrays: unknown[][]): void {
  const drop = (arrays[0]?.length ?? 0) - limit;
  if (drop > 0) for (const a of arrays) a.splice(0, drop);
}

/**
 * Date.parse for the runtime's `toISOString()` stamps, which arrive in runs sharing their second:
 * the whole-second part is parsed once per run (Date.parse dominated loading an hour of history).
 */
class IsoClock {
  private head = '';
  private base = 0;

  parse(ts: string): number {
    const fast = ts.length === 24 && ts.charCodeAt(19) === 46 /* . */ && ts.charCodeAt(23) === 90; /* Z */
    if (!fast) return Date.parse(ts);
    const head = ts.slice(0, 19);
    if (head !== this.head) {
      this.head = head;
      this.base = Date.parse(`${head}.000Z`);
    }
    return this.base + Number(ts.slice(20, 23));
  }
}

function bump(counts: SecondCounts, atMs: number, limit: number): void {
  const second = Math.floor(atMs / 1000);
  counts.set(second, (counts.get(second) ?? 0) + 1);
  if (counts.size > limit) {
    // Maps iterate in insertion order, and inputs arrive in time order: the first key is the oldest.
    const oldest = counts.keys().next();
    if (!oldest.done) counts.delete(oldest.value);
  }
}

export class SeriesModel {
  readonly lag: LagTrack = { atMs: [], p50: [], p99: [], max: [] };
  readonly tenants = new Map<string, TenantTrack>();
  readonly blocks: BlockMark[] = [];
  /** Metrics lines that could not be read, and the last reason (shown in the dashboard's footer). */
  skippedLines = 0;
  lastSkipReason: string | null = null;
  /** The newest snapshot (for the suspect ranking), and the last that carried session rows (live
   * ones do; the metrics file's do not) for the CPU shares. */
  latest: RuntimeSnapshot | null = null;
  latestFull: RuntimeSnapshot | null = null;
  firstMs: number | null = null;
  lastMs: number | null = null;
  private readonly options: SeriesOptions;
  private readonly clock = new IsoClock();

  constructor(options: Partial<SeriesOptions> = {}) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Feeds lines of metrics.jsonl (history); returns how many were used. Bad lines are counted, not thrown. */
  addMetricsLines(lines: Iterable<string>): number {
    let used = 0;
    for (const line of lines) {
      if (line.trim() === '') continue;
      const parsed = parseMetricsLine(line);
      if (!parsed.ok) {
        this.skippedLines += 1;
        this.lastSkipReason = parsed.why;
        continue;
      }
      if (parsed.kind === 'event') this.addEvent(parsed.event);
      else this.addSnapshot(parsed.snapshot);
      used += 1;
    }
    return used;
  }

  addSnapshot(snapshot: RuntimeSnapshot): void {
    const atMs = snapshot.timestamp * 1000;
    this.seen(atMs);
    const limit = this.options.maxPoints;
    const lag = this.lag;
    lag.atMs.push(atMs);
    lag.p50.push(snapshot.loop_lag.p50_ms);
    lag.p99.push(snapshot.loop_lag.p99_ms);
    lag.max.push(snapshot.loop_lag.max_ms);
    if (lag.atMs.length > limit) trimArrays(limit, lag.atMs, lag.p50, lag.p99, lag.max);
    for (const name in snapshot.tenants) {
      const t = snapshot.tenants[name] as TenantSnapshot;
      const track = this.track(name);
      track.sampleMs.push(atMs);
      track.active.push(t.active);
      track.cap.push(t.cap);
      if (track.sampleMs.length > limit) trimArrays(limit, track.sampleMs, track.active, track.cap);
      // Events are the authority on when a breaker moved; a snapshot only corrects a state that
      // no event told us about (attached mid-incident, or an event lost with a cut file).
      if (t.breaker.enabled) this.breakerTo(track, t.breaker.state, atMs);
      const isolated = t.isolation === 'process';
      const lastIso = track.isolation[track.isolation.length - 1];
      if ((lastIso?.isolated ?? false) !== isolated) this.isolationTo(track, isolated, atMs);
    }
    if (this.latest === null || snapshot.timestamp >= this.latest.timestamp) this.latest = snapshot;
    if (snapshot.sessions.length > 0 || this.latestFull === null) this.latestFull = snapshot;
  }

  addEvent(event: RuntimeEvent): void {
    const atMs = this.clock.parse(event.ts);
    this.seen(atMs);
    const limit = this.options.maxPoints;
    switch (event.type) {
      case 'session_started':
        bump(this.track(event.tenant).started, atMs, limit);
        return;
      case 'session_failed':
        bump(this.track(event.tenant).failed, atMs, limit);
        return;
      case 'rejected': {
        const rejected = this.track(event.tenant).rejected;
        let counts = rejected.get(event.reason);
        if (!counts) rejected.set(event.reason, (counts = new Map<number, number>()));
        bump(counts, atMs, limit);
        return;
      }
      case 'breaker_opened':
        this.breakerTo(this.track(event.tenant), 'open', atMs);
        return;
      case 'breaker_half_open':
        this.breakerTo(this.track(event.tenant), 'half_open', atMs);
        return;
      case 'breaker_closed':
        this.breakerTo(this.track(event.tenant), 'closed', atMs);
        return;
      case 'tenant_isolated':
        this.isolationTo(this.track(event.tenant), true, atMs);
        return;
      case 'tenant_restored':
        this.isolationTo(this.track(event.tenant), false, atMs);
        return;
      case 'slow_session':
        this.blocks.push({
          atMs,
          sessionId: event.session_id,
          tenant: event.tenant,
          agent: event.agent_name,
          blockedMs: event.blocked_ms,
          frame: event.frames[0] ?? null,
        });
        trimArrays(limit, this.blocks);
        return;
      default:
        return;
    }
  }

  /** Busiest sessions of the last full snapshot, by CPU share. */
  busiest(limit: number): SessionRow[] {
    const rows = this.latestFull?.sessions ?? [];
    return [...rows].sort((a, b) => b.cpu_pct - a.cpu_pct || a.session_id.localeCompare(b.session_id)).slice(0, limit);
  }

  private seen(atMs: number): void {
    if (this.firstMs === null || atMs < this.firstMs) this.firstMs = atMs;
    if (this.lastMs === null || atMs > this.lastMs) this.lastMs = atMs;
  }

  private track(tenant: string): TenantTrack {
    let t = this.tenants.get(tenant);
    if (!t) {
      t = {
        sampleMs: [],
        active: [],
        cap: [],
        started: new Map(),
        failed: new Map(),
        rejected: new Map(),
        breaker: [],
        isolation: [],
      };
      this.tenants.set(tenant, t);
    }
    return t;
  }

  private breakerTo(track: TenantTrack, state: BreakerState, atMs: number): void {
    const current = track.breaker[track.breaker.length - 1];
    if (current?.state === state) return;
    // A snapshot taken before an event already applied must not move the band back in time.
    if (current && atMs < current.fromMs) return;
    if (current) current.toMs = atMs;
    track.breaker.push({ fromMs: atMs, toMs: null, state });
    trimArrays(this.options.maxPoints, track.breaker);
  }

  private isolationTo(track: TenantTrack, isolated: boolean, atMs: number): void {
    const last = track.isolation[track.isolation.length - 1];
    if (last && (last.isolated === isolated || atMs < last.atMs)) return;
    track.isolation.push({ atMs, isolated });
    trimArrays(this.options.maxPoints, track.isolation);
  }
}
