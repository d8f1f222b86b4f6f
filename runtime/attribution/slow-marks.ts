// Which sessions are `slow` now: a session stays slow for a fixed time after its last
// attributed block. Pure; the caller passes the time.
import type { StackFrame } from '../../protocol/control';

export const SLOW_MARK_MS = 5000;

export interface BlockMark {
  blockedMs: number;
  frames: StackFrame[];
  at: number;
}

export interface SessionBlockState {
  slow: boolean;
  blocked_ms_last: number | null;
  blocked_frames: StackFrame[] | null;
}

export class SlowMarks {
  private readonly last = new Map<string, BlockMark>();

  constructor(private readonly slowForMs = SLOW_MARK_MS) {}

  record(sessionId: string, mark: BlockMark): void {
    this.last.set(sessionId, mark);
  }

  get(sessionId: string, now: number): SessionBlockState {
    const mark = this.last.get(sessionId);
    if (!mark) return { slow: false, blocked_ms_last: null, blocked_frames: null };
    return { slow: now - mark.at < this.slowForMs, blocked_ms_last: mark.blockedMs, blocked_frames: mark.frames };
  }

  /** Ended sessions drop their mark so memory stays bounded by live sessions. */
  forget(sessionId: string): void {
    this.last.delete(sessionId);
  }
}
