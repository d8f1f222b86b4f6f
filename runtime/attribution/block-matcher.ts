// Pairs the two halves of a loop block. The heartbeat on the main loop measures how long
// the loop was blocked (it sees the gap once the loop runs again); the watchdog's sample,
// taken while the loop was still blocked, says who held it and where. Both carry the
// heartbeat stamp the stall started after, and arrive in either order. Pure; time injected.
import type { StackFrame } from '../../protocol/control';
import type { ProbeScope } from './messages';

export interface HeartbeatBlock {
  /** The heartbeat stamp before the gap. */
  stamp: number;
  blockedMs: number;
  /** When the heartbeat saw the block end. */
  endedAt: number;
}

export interface BlockSample {
  stamp: number;
  /** The watchdog was starved when it saw the stall, so it did not probe: nobody is blamed. */
  host: boolean;
  scope: ProbeScope | null;
  frames: StackFrame[];
  detectedAfterMs: number;
  sampledAfterMs: number;
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
      return [joined(block, pending.sample)];
    }
    this.blocks.set(block.stamp, block);
    return [];
  }

  addSample(sample: BlockSample, now: number): BlockReport[] {
    const block = this.blocks.get(sample.stamp);
    if (block) {
      this.blocks.delete(sample.stamp);
      return [joined(block, sample)];
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

function joined(block: HeartbeatBlock, sample: BlockSample): BlockReport {
  if (sample.host) return { ...unsampled(block), attribution: 'host', detected_after_ms: Math.round(sample.detectedAfterMs) };
  return {
    session_id: sample.scope?.session_id ?? null,
    tenant: sample.scope?.tenant ?? null,
    agent_name: sample.scope?.agent_name ?? null,
    blocked_ms: Math.round(block.blockedMs),
    frames: sample.frames,
    attribution: sample.scope ? 'session' : 'outside',
    detected_after_ms: Math.round(sample.detectedAfterMs),
    ended_at: block.endedAt,
  };
}

function unsampled(block: HeartbeatBlock): BlockReport {
  return {
    session_id: null,
    tenant: null,
    agent_name: null,
    blocked_ms: Math.round(block.blockedMs),
    frames: [],
    attribution: 'unsampled',
    detected_after_ms: null,
    ended_at: block.endedAt,
  };
}
