// The control thread's view of the main loop: blocked or not (from the heartbeat the main loop
// writes into shared memory), and, while blocked, who blocks it and where (from the watchdog's
// live samples). Clock injected.
import type { LoopBlockState } from '../../../protocol/loop-block';
import { Slot, type BlockSampleWire, type LiveStallMessage } from '../../attribution/messages';

export class LiveBlockView {
  private readonly heartbeat: Float64Array | null;
  private stamp = -1;
  private sample: BlockSampleWire | null = null;

  constructor(
    heartbeat: SharedArrayBuffer | null,
    private readonly now: () => number,
  ) {
    this.heartbeat = heartbeat ? new Float64Array(heartbeat) : null;
  }

  onLive(msg: LiveStallMessage): void {
    if (msg.type === 'stall-end') {
      if (msg.stamp === this.stamp) this.sample = null;
      return;
    }
    if (msg.stamp !== this.stamp) {
      this.stamp = msg.stamp;
      this.sample = null;
    }
    if (msg.sample) this.sample = msg.sample;
  }

  /** The block in progress, or null while the loop beats (or nobody watches it). */
  current(): LoopBlockState | null {
    const hb = this.heartbeat;
    if (!hb || hb[Slot.enabled] !== 1) return null;
    const stamp = hb[Slot.heartbeat] ?? 0;
    const ageMs = this.now() - stamp;
    if (ageMs <= (hb[Slot.thresholdMs] ?? 0) + (hb[Slot.heartbeatMs] ?? 0)) return null;
    const sample = this.stamp === stamp ? this.sample : null;
    return {
      since_ms: Math.round(stamp),
      blocked_ms: Math.round(ageMs),
      session_id: sample?.scope?.session_id ?? null,
      tenant: sample?.scope?.tenant ?? null,
      agent_name: sample?.scope?.agent_name ?? null,
      frames: sample?.frames ?? [],
      sampled: sample !== null,
    };
  }
}
