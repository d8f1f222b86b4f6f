// Pure figures of the dashboard A/B: phases in ABBA order (so a steady drift of the host's load
// falls on both arms alike), and each round's B/A ratio of the runtime's loop-lag p99, whose
// median and spread say whether the A/B is clean.
import { median, percentile } from '../density/stats';

export type Arm = 'A' | 'B';

/** The arms of `rounds` rounds, two phases each: A B, B A, A B, ... */
export function abbaOrder(rounds: number): Arm[] {
  const order: Arm[] = [];
  for (let r = 0; r < rounds; r++) order.push(...((r % 2 === 0 ? ['A', 'B'] : ['B', 'A']) as Arm[]));
  return order;
}

export interface PhaseLag {
  arm: Arm;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  /** The runtime loop's utilisation over the phase, 0..1. */
  elu: number;
  /** How long the runtime's main thread waited for a CPU (Linux run-queue time), ms per second of the phase. */
  runQueueMsPerS: number;
}

export interface AbSummary {
  /** Per round, B's p99 over A's. */
  ratios: number[];
  ratioMedian: number;
  ratioMin: number;
  ratioMax: number;
  p99: Record<Arm, number>;
  p50: Record<Arm, number>;
  elu: Record<Arm, number>;
  runQueueMsPerS: Record<Arm, number>;
  /** The loop was busy most of the phase: its lag then measures the host and the load, not the dashboard. */
  saturated: boolean;
  /** The ratio's median within ±10 % and the loop with room. */
  clean: boolean;
}

const SATURATED_ELU = 0.7;

/** `phases` in the order run (pairs of one A and one B per round). */
export function summarizeAb(phases: readonly PhaseLag[]): AbSummary {
  const ratios: number[] = [];
  for (let i = 0; i + 1 < phases.length; i += 2) {
    const pair = [phases[i], phases[i + 1]];
    const a = pair.find((p) => p?.arm === 'A');
    const b = pair.find((p) => p?.arm === 'B');
    if (a && b && a.p99_ms > 0) ratios.push(b.p99_ms / a.p99_ms);
  }
  const of = (arm: Arm, pick: (p: PhaseLag) => number): number => median(phases.filter((p) => p.arm === arm).map(pick));
  const elu = { A: of('A', (p) => p.elu), B: of('B', (p) => p.elu) };
  const ratioMedian = median(ratios);
  const saturated = Math.max(elu.A, elu.B) > SATURATED_ELU;
  return {
    ratios,
    ratioMedian,
    ratioMin: percentile(ratios, 0),
    ratioMax: percentile(ratios, 100),
    p99: { A: of('A', (p) => p.p99_ms), B: of('B', (p) => p.p99_ms) },
    p50: { A: of('A', (p) => p.p50_ms), B: of('B', (p) => p.p50_ms) },
    elu,
    runQueueMsPerS: { A: of('A', (p) => p.runQueueMsPerS), B: of('B', (p) => p.runQueueMsPerS) },
    saturated,
    clean: !saturated && Math.abs(ratioMedian - 1) <= 0.1,
  };
}

/**
 * The verdict line. A loop with room whose lag still rises in B while its thread waits longer for
 * a CPU is the host's contention (the page and the browser take a core from a full machine), not
 * work the dashboard puts on the runtime.
 */
export function verdict(ab: AbSummary): string {
  if (ab.clean) return 'A/B clean: the loop has room and the open dashboard leaves its lag within ±10 %';
  if (ab.saturated) return 'A/B NOT clean: the runtime loop is saturated (its lag measures the load and the host)';
  const off = `lag p99 differs by ${(Math.abs(ab.ratioMedian - 1) * 100).toFixed(0)} %`;
  const waited = ab.runQueueMsPerS.B - ab.runQueueMsPerS.A;
  return waited > 0.1 * Math.max(1, ab.runQueueMsPerS.A)
    ? `A/B NOT clean: ${off}, and the runtime waited for a CPU ${ab.runQueueMsPerS.A.toFixed(1)} → ${ab.runQueueMsPerS.B.toFixed(1)} ms/s: host CPU contention (re-run on a quiet host)`
    : `A/B NOT clean: ${off} with no more waiting for a CPU: look at the dashboard's effect on the runtime`;
}
