// The soak's memory figures. One RSS reading is a point on V8's collection sawtooth (heapTotal
// swung by ~60 MB within a minute in the soak), so growth is judged on windows: RSS medians right
// after warm-up and at the end, and the JS heap's lowest readings (live data just after a
// collection) from the runtime's own trace (mem-probe.cjs).
import { existsSync, readFileSync } from 'node:fs';

export interface RssFigures {
  windowS: number;
  warmMb: number;
  endMb: number;
  warmPointMb: number;
  finalMb: number;
  minMb: number;
  maxMb: number;
}

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)]!;
};

export interface HeapFigures {
  /** Lowest heapUsed per window: the live heap just after a collection, without the garbage. */
  usedLowWarmMb: number;
  usedLowEndMb: number;
  /** Median heapTotal per window: what V8 keeps reserved, the bulk of RSS's swings. */
  totalWarmMb: number;
  totalEndMb: number;
  totalMinMb: number;
  totalMaxMb: number;
}

interface TimedSample {
  atMs: number;
  mb: number;
}

/** Windows of up to 60 s (a third of the traffic after warm-up in short runs): right after warm-up, and the last one. */
function windows(
  warmupMs: number,
  durationMs: number,
): { windowMs: number; warm: (xs: TimedSample[]) => number[]; end: (xs: TimedSample[]) => number[] } {
  const windowMs = Math.min(60_000, (durationMs - warmupMs) / 3);
  const within =
    (from: number, to: number) =>
    (xs: TimedSample[]): number[] =>
      xs.filter((x) => x.atMs >= from && x.atMs < to).map((x) => x.mb);
  return { windowMs, warm: within(warmupMs, warmupMs + windowMs), end: within(durationMs - windowMs, durationMs) };
}

const lowest = (xs: number[]): number => xs.reduce((a, b) => Math.min(a, b), xs.length ? Infinity : 0);
const highest = (xs: number[]): number => xs.reduce((a, b) => Math.max(a, b), 0);

export function rssFigures(samples: TimedSample[], warmupMs: number, durationMs: number, finalMb: number): RssFigures {
  const w = windows(warmupMs, durationMs);
  const after = samples.filter((x) => x.atMs >= warmupMs).map((x) => x.mb);
  return {
    windowS: Math.round(w.windowMs / 1000),
    warmMb: median(w.warm(samples)),
    endMb: median(w.end(samples)),
    warmPointMb: samples.find((x) => x.atMs >= warmupMs)?.mb ?? 0,
    finalMb,
    minMb: lowest(after),
    maxMb: highest(after),
  };
}

interface MemTraceLine {
  atMs: number;
  heapUsedMb: number;
  heapTotalMb: number;
}

/** The probe's lines, times made relative to `t0`; a line that does not parse is a bug in the probe. */
export function readMemTrace(file: string, t0: number): MemTraceLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line, i) => {
      const r = JSON.parse(line) as { wall_ms?: unknown; heap_used_mb?: unknown; heap_total_mb?: unknown };
      if (typeof r.wall_ms !== 'number' || typeof r.heap_used_mb !== 'number' || typeof r.heap_total_mb !== 'number')
        throw new Error(`soak: ${file}:${i + 1}: expected wall_ms, heap_used_mb and heap_total_mb numbers`);
      return { atMs: r.wall_ms - t0, heapUsedMb: r.heap_used_mb, heapTotalMb: r.heap_total_mb };
    });
}

export function heapFigures(trace: MemTraceLine[], warmupMs: number, durationMs: number): HeapFigures {
  const w = windows(warmupMs, durationMs);
  const used = trace.map((x) => ({ atMs: x.atMs, mb: x.heapUsedMb }));
  const total = trace.map((x) => ({ atMs: x.atMs, mb: x.heapTotalMb }));
  const totalAfter = total.filter((x) => x.atMs >= warmupMs).map((x) => x.mb);
  return {
    usedLowWarmMb: lowest(w.warm(used)),
    usedLowEndMb: lowest(w.end(used)),
    totalWarmMb: median(w.warm(total)),
    totalEndMb: median(w.end(total)),
    totalMinMb: lowest(totalAfter),
    totalMaxMb: highest(totalAfter),
  };
}
