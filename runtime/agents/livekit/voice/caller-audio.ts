// The two ends of a local voice call's audio, as agents-js sees them: an AudioInput fed by the
// caller's 20 ms frames (its microphone), and an AudioOutput that plays the agent's speech at
// 1×, as a phone does: playback of a segment finishes when its audio has had time to play, a
// TTS that runs ahead is held back once ~200 ms are queued, and clearing the buffer (the agent
// was interrupted) reports how much had played by then. Built on the workspace's own copy of
// agents-js, which the runtime never imports statically.
import type { voice } from '@livekit/agents';
import type { AgentsModule, RtcModule } from '../agents-module';
import type { Clock, TimerHandle } from '../../../policy/clock';
import { SAMPLE_RATE } from './pcm';

/**
 * rtc-node's AudioFrame as agents-js's types name it: at run time it is the one class of the
 * workspace's rtc-node, but TypeScript sees its CJS and ESM declarations as two types.
 */
export type AudioFrame = Parameters<voice.AudioOutput['captureFrame']>[0];

export function audioFrame(rtc: RtcModule, samples: Int16Array): AudioFrame {
  return new rtc.AudioFrame(samples, SAMPLE_RATE, 1, samples.length) as unknown as AudioFrame;
}

/** Audio the output may hold ahead of the playhead before captureFrame waits. */
export const PLAYOUT_QUEUE_MS = 200;
/** Input frames queued unread (the agent detached its input) beyond which new ones are dropped: 5 s. */
const INPUT_BACKLOG_FRAMES = 250;

export interface CallerMicrophone {
  readonly input: voice.AudioInput;
  /** The frame as the agent will read it; null when it was dropped (closed, or the agent reads nothing). */
  push(samples: Int16Array): AudioFrame | null;
  readonly dropped: number;
}

/** What the caller heard: each played segment, and every frame as it arrived. */
export interface PlayoutListener {
  onFrame?(frame: AudioFrame): void;
  onSegment?(segment: PlayedSegment): void;
}

export interface PlayedSegment {
  /** Audio the agent sent for the segment, ms. */
  audioMs: number;
  /** Wall time from its first frame to the end of its playback, ms. */
  wallMs: number;
  playedMs: number;
  interrupted: boolean;
}

export interface CallerSpeaker {
  readonly output: voice.AudioOutput;
  /** A segment is playing (or queued to). */
  readonly playing: boolean;
  readonly playedMs: number;
}

export function callerMicrophone(agents: AgentsModule, rtc: RtcModule): CallerMicrophone {
  let controller!: ReadableStreamDefaultController<AudioFrame>;
  const stream = new ReadableStream<AudioFrame>({ start: (c) => (controller = c) });
  let dropped = 0;
  let closed = false;
  class CallerAudioInput extends agents.voice.AudioInput {
    constructor() {
      super();
      this.multiStream.addInputStream(stream);
    }

    override async close(): Promise<void> {
      if (!closed) {
        closed = true;
        controller.close();
      }
      await super.close();
    }
  }
  const input = new CallerAudioInput();
  return {
    input,
    push(samples) {
      if (closed) return null;
      if ((controller.desiredSize ?? 0) < -INPUT_BACKLOG_FRAMES) {
        dropped++;
        return null;
      }
      const frame = audioFrame(rtc, samples);
      controller.enqueue(frame);
      return frame;
    },
    get dropped() {
      return dropped;
    },
  };
}

interface Segment {
  startedAt: number;
  audioMs: number;
  finish: TimerHandle | null;
}

export function callerSpeaker(agents: AgentsModule, clock: Clock, listener: PlayoutListener = {}): CallerSpeaker {
  let playedTotal = 0;
  class PhonePlayout extends agents.voice.AudioOutput {
    private segment: Segment | null = null;
    private wakeWriter: (() => void) | null = null;

    constructor() {
      super(SAMPLE_RATE, undefined, { pause: false });
    }

    get playing(): boolean {
      return this.segment !== null;
    }

    override async captureFrame(frame: AudioFrame): Promise<void> {
      await super.captureFrame(frame);
      if (!this.segment) {
        this.segment = { startedAt: clock.now(), audioMs: 0, finish: null };
        this.onPlaybackStarted(Date.now());
      }
      const seg = this.segment;
      seg.audioMs += (frame.samplesPerChannel / frame.sampleRate) * 1000;
      listener.onFrame?.(frame);
      const ahead = seg.startedAt + seg.audioMs - clock.now();
      if (ahead > PLAYOUT_QUEUE_MS) await this.hold(ahead - PLAYOUT_QUEUE_MS);
    }

    override flush(): void {
      super.flush();
      const seg = this.segment;
      if (!seg || seg.finish) return;
      const left = seg.startedAt + seg.audioMs - clock.now();
      seg.finish = clock.setTimer(Math.max(0, left), () => this.end(seg, false));
    }

    override clearBuffer(): void {
      if (this.segment) this.end(this.segment, true);
    }

    private end(seg: Segment, interrupted: boolean): void {
      if (this.segment !== seg) return;
      this.segment = null;
      seg.finish?.cancel();
      const wallMs = clock.now() - seg.startedAt;
      const playedMs = interrupted ? Math.min(wallMs, seg.audioMs) : seg.audioMs;
      playedTotal += playedMs;
      this.wakeWriter?.();
      listener.onSegment?.({ audioMs: seg.audioMs, wallMs, playedMs, interrupted });
      this.onPlaybackFinished({ playbackPosition: playedMs / 1000, interrupted });
    }

    /** Waits while the playhead catches up; a cleared buffer lets the writer go at once. */
    private hold(ms: number): Promise<void> {
      return new Promise((resolve) => {
        const timer = clock.setTimer(ms, done);
        function done(): void {
          timer.cancel();
          resolve();
        }
        this.wakeWriter = done;
      });
    }
  }
  const output = new PhonePlayout();
  return {
    output,
    get playing() {
      return output.playing;
    },
    get playedMs() {
      return playedTotal;
    },
  };
}
