// The caller's microphone: a continuous stream of 20 ms frames on the wall clock, 50 a second,
// speech when the caller has something queued and silence otherwise, as a phone line delivers
// it. Frames are due on a fixed timeline (start + n × 20 ms), so timer jitter does not drift
// the stream; frames that fell due while the loop was busy go out at once, as a jitter buffer
// would deliver them, up to one second's worth (older ones are dropped, as a real line would).
import type { Clock, TimerHandle } from '../../../policy/clock';
import { FRAME_MS, FRAME_SAMPLES } from './pcm';

/** Most frames sent in one catch-up burst after the loop was held. */
export const MAX_BURST_FRAMES = 1000 / FRAME_MS;

export interface Utterance {
  samples: Int16Array;
  /** The first frame of this speech is being sent. */
  onStart?: () => void;
  /** Its last frame has been sent. */
  onEnd?: () => void;
}

/** A frame of speech: which utterance it is from, and whether it is that utterance's last. */
export interface SpeechFrame<U extends Utterance = Utterance> {
  utterance: U;
  last: boolean;
}

export interface PacerStats {
  frames: number;
  speechFrames: number;
  droppedFrames: number;
}

export class FramePacer<U extends Utterance = Utterance> {
  private readonly queue: U[] = [];
  private current: U | null = null;
  private offset = 0;
  private startedAt = 0;
  private sent = 0;
  private timer: TimerHandle | null = null;
  private running = false;
  readonly stats: PacerStats = { frames: 0, speechFrames: 0, droppedFrames: 0 };

  constructor(
    private readonly clock: Clock,
    private readonly onFrame: (samples: Int16Array, speech: SpeechFrame<U> | null) => void,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.startedAt = this.clock.now();
    this.sent = 0;
    this.tick();
  }

  stop(): void {
    this.running = false;
    this.timer?.cancel();
    this.timer = null;
    this.queue.length = 0;
    this.current = null;
  }

  /** Queues speech after whatever is queued already. */
  speak(u: U): void {
    this.queue.push(u);
  }

  /** Nothing queued or being said. */
  get idle(): boolean {
    return this.current === null && this.queue.length === 0;
  }

  private tick(): void {
    if (!this.running) return;
    const due = Math.floor((this.clock.now() - this.startedAt) / FRAME_MS) + 1;
    if (due - this.sent > MAX_BURST_FRAMES) {
      this.stats.droppedFrames += due - this.sent - MAX_BURST_FRAMES;
      this.sent = due - MAX_BURST_FRAMES;
    }
    while (this.sent < due && this.running) {
      this.sent++;
      this.sendFrame();
    }
    if (!this.running) return;
    const wait = this.startedAt + this.sent * FRAME_MS - this.clock.now();
    this.timer = this.clock.setTimer(Math.max(0, wait), () => this.tick());
  }

  private sendFrame(): void {
    this.stats.frames++;
    if (!this.current) {
      this.current = this.queue.shift() ?? null;
      this.offset = 0;
      this.current?.onStart?.();
    }
    const frame = new Int16Array(FRAME_SAMPLES);
    const u = this.current;
    if (!u) return this.onFrame(frame, null);
    this.stats.speechFrames++;
    frame.set(u.samples.subarray(this.offset, this.offset + FRAME_SAMPLES));
    this.offset += FRAME_SAMPLES;
    const last = this.offset >= u.samples.length;
    if (last) this.current = null;
    this.onFrame(frame, { utterance: u, last });
    if (last) u.onEnd?.();
  }
}
