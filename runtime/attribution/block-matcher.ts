// Pairs the two halves of a loop block. The heartbeat on the main loop measures how long
// the loop was blocked (it sees the gap once the loop runs again); the watchdog's samples,
// taken while the loop was still blocked, say who held it and where. Both carry the
// heartbeat stamp the stall started after, and arrive in either order. One stall can be
// several sessions' blocks back to back (timers due together run in one go): the samples
// split it into one segment per session. Pure; time injected.
import type { StackFrame } from '../../protocol/control';
import type { BlockSampleWire } from './messages';

export interface HeartbeatBlock {
  /** The heartbeat stamp before the gap. */
  stamp: number;
  blockedMs: number;
  /** When the heartbeat saw the block end. */
  endedAt: number;
  /** The slow threshold when it was measured: a segment of a shared stall must pass it too. */
  thresholdMs: number;
  /** CPU ms the main thread (the process, before Node 22.15) used over the whole gap. */
  cpuMs: number;
  /** How long the main thread waited for a core over the beat period holding the gap (0 where unknown). */
  waitedForCoreMs: number;
}

export interface BlockSample {
  stamp: number;
  /** The watchdog took no sample inside the stall and woke late itself: the host stalled it; nobody is blamed. */
  host: boolean;
  /** How late the watchdog woke when it saw the stall, ms. */
  watchdogLateMs: number;
  detectedAfterMs: number;
  samples: BlockSampleWire[];
}

export type Attribution =
  /** Sampled inside a session: that session held the loop. */
  | 'session'
  /** Sampled, and the loop was running code outside any session. */
  | 'outside'
  /** The block ended before the watchdog's sample arrived: nobody is blamed. */
  | 'unsampled'
  /** The watchdog thread was starved too: the host was contended; nobody is blamed. */
  | 'host';

export interface BlockReport {
  session_id: string | null;
  tenant: string | null;
  agent_name: string | null;
  blocked_ms: number;
  /**
   * Of `blocked_ms`, the time the loop ran code: less the main thread's wait for a core, which on a
   * contended host stretches a block past what the code made it. What a budget is judged by.
   */
  own_ms: number;
  frames: StackFrame[];
  attribution: Attribution;
  detected_after_ms: number | null;
  ended_at: number;
}

export class BlockMatcher {
  private readonly blocks = new Map<number, HeartbeatBlock>();
  private readonly samples = new Map<number, { sample: BlockSample; at: number }>();

  /** `graceMs`: how long a block waits for its sample (and a sample for its block). */
  constructor(private readonly graceMs = 1000) {}

  addBlock(block: HeartbeatBlock): BlockReport[] {
    const pending = this.samples.get(block.stamp);
    if (pending) {
      this.samples.delete(block.stamp);
      return joined(block, pending.sample);
    }
    this.blocks.set(block.stamp, block);
    return [];
  }

  addSample(sample: BlockSample, now: number): BlockReport[] {
    const block = this.blocks.get(sample.stamp);
    if (block) {
      this.blocks.delete(sample.stamp);
      return joined(block, sample);
    }
    this.samples.set(sample.stamp, { sample, at: now });
    return [];
  }

  /**
   * Blocks whose sample never came are reported unattributed; samples whose block the
   * heartbeat measured under the threshold are dropped (the block was not slow after all).
   */
  sweep(now: number): BlockReport[] {
    const out: BlockReport[] = [];
    for (const [stamp, block] of this.blocks) {
      if (now - block.endedAt < this.graceMs) continue;
      this.blocks.delete(stamp);
      out.push(unsampled(block));
    }
    for (const [stamp, { at }] of this.samples) if (now - at >= this.graceMs) this.samples.delete(stamp);
    return out;
  }
}

interface Segment {
  sessionId: string | null;
  first: BlockSampleWire;
  samples: BlockSampleWire[];
  lastAt: number;
  start: number;
  end: number;
}

const topKey = (s: BlockSampleWire): string => {
  const f = s.frames[0];
  return f ? `${f.file}:${f.line}` : '';
};

/**
 * The stack most samples of a segment saw: one sample can land on the block's first or last line.
 * The CPU sampler's looks carry no stack and do not vote.
 */
function typicalFrames(all: readonly BlockSampleWire[]): BlockSampleWire['frames'] {
  const samples = all.filter((s) => s.frames.length > 0);
  const counts = new Map<string, number>();
  for (const s of samples) counts.set(topKey(s), (counts.get(topKey(s)) ?? 0) + 1);
  let best = samples[0];
  for (const s of samples) if ((counts.get(topKey(s)) ?? 0) > (counts.get(best ? topKey(best) : '') ?? 0)) best = s;
  return best?.frames ?? [];
}

/** Consecutive samples of the same session form a segment; a switch is placed halfway between samples. */
function segmentsOf(block: HeartbeatBlock, samples: readonly BlockSampleWire[]): Segment[] {
  const segments: Segment[] = [];
  for (const s of samples) {
    const id = s.scope?.session_id ?? null;
    const last = segments[segments.length - 1];
    if (last && last.sessionId === id) {
      last.lastAt = s.at;
      last.samples.push(s);
    } else segments.push({ sessionId: id, first: s, samples: [s], lastAt: s.at, start: 0, end: 0 });
  }
  const stallStart = block.endedAt - block.blockedMs;
  segments.forEach((seg, i) => {
    const prev = segments[i - 1];
    const next = segments[i + 1];
    seg.start = prev ? (prev.lastAt + seg.first.at) / 2 : stallStart;
    seg.end = next ? (seg.lastAt + next.first.at) / 2 : block.endedAt;
  });
  return segments;
}

/**
 * Would this have been a slow block on a quiet host? A block that used a threshold of CPU would
 * have, on any host. One that used less would not have when the gap less the main thread's wait
 * for a core stays within the threshold (the scheduler stretched it), nor when the watchdog woke
 * late too (the host starved both threads). A block sleeping in execSync/Atomics.wait uses little
 * CPU and waits for no core, so it is still reported.
 */
function hostStalled(block: HeartbeatBlock, sample: BlockSample): boolean {
  if (sample.host) return true;
  if (block.cpuMs >= block.thresholdMs) return false;
  return block.blockedMs - block.waitedForCoreMs <= block.thresholdMs || sample.watchdogLateMs > block.thresholdMs / 2;
}

function joined(block: HeartbeatBlock, sample: BlockSample): BlockReport[] {
  if (hostStalled(block, sample))
    return [{ ...unsampled(block), attribution: 'host', detected_after_ms: Math.round(sample.detectedAfterMs) }];
  const segments = segmentsOf(block, sample.samples);
  const ownShare = ownShareOf(block);
  const report = (seg: Segment, blockedMs: number, detectedAfterMs: number): BlockReport => ({
    session_id: seg.first.scope?.session_id ?? null,
    tenant: seg.first.scope?.tenant ?? null,
    agent_name: seg.first.scope?.agent_name ?? null,
    blocked_ms: Math.round(blockedMs),
    own_ms: Math.round(blockedMs * ownShare),
    frames: typicalFrames(seg.samples),
    attribution: seg.first.scope ? 'session' : 'outside',
    detected_after_ms: Math.round(detectedAfterMs),
    ended_at: block.endedAt,
  });
  const [only] = segments;
  if (segments.length === 1 && only) return [report(only, block.blockedMs, sample.detectedAfterMs)];
  // Several owners in one stall: each is reported only if its own share passes the threshold, less
  // its part of the loop's wait for a core (as hostStalled judges a stall with one owner).
  return segments
    .filter((seg) => (seg.end - seg.start) * ownShare > block.thresholdMs)
    .map((seg) => report(seg, seg.end - seg.start, seg.first.at - (block.endedAt - block.blockedMs)));
}

/**
 * The part of a stall the loop spent running rather than runnable and waiting for a core; each
 * segment of a shared stall is taken to have waited in proportion to its length.
 */
function ownShareOf(block: HeartbeatBlock): number {
  if (block.blockedMs <= 0) return 1;
  return Math.min(1, Math.max(0, (block.blockedMs - block.waitedForCoreMs) / block.blockedMs));
}

function unsampled(block: HeartbeatBlock): BlockReport {
  return {
    session_id: null,
    tenant: null,
    agent_name: null,
    blocked_ms: Math.round(block.blockedMs),
    own_ms: Math.round(block.blockedMs * ownShareOf(block)),
    frames: [],
    attribution: 'unsampled',
    detected_after_ms: null,
    ended_at: block.endedAt,
  };
}
