// The caller's microphone timeline in virtual time: 50 frames a second, speech then silence,
// no drift from late timers, and a held loop answered by a bounded catch-up burst.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FramePacer, MAX_BURST_FRAMES } from '../../runtime/agents/livekit/voice/frame-pacer';
import { FRAME_SAMPLES } from '../../runtime/agents/livekit/voice/pcm';
import type { Clock } from '../../runtime/policy/clock';

class ManualClock implements Clock {
  t = 0;
  private timers: { at: number; fn: () => void; live: boolean }[] = [];
  now(): number {
    return this.t;
  }
  wallTime(): number {
    return this.t;
  }
  setTimer(ms: number, fn: () => void) {
    const timer = { at: this.t + ms, fn, live: true };
    this.timers.push(timer);
    return { cancel: () => (timer.live = false) };
  }
  /** Advances to `to`, firing due timers; `lateBy` makes each fire that much after its time. */
  advance(to: number, lateBy = 0): void {
    for (;;) {
      const next = this.timers.filter((x) => x.live).sort((a, b) => a.at - b.at)[0];
      if (!next || next.at + lateBy > to) break;
      next.live = false;
      this.t = Math.max(this.t, next.at + lateBy);
      next.fn();
    }
    this.t = to;
  }
}

describe('frame pacer', () => {
  it('sends 50 frames a second, the speech first and silence after, on a timeline that does not drift', () => {
    const clock = new ManualClock();
    const frames: Int16Array[] = [];
    const events: string[] = [];
    const pacer = new FramePacer(clock, (f, speech) => {
      frames.push(f);
      if (speech) events.push(speech.last ? 'last frame' : 'frame');
    });
    const speech = Int16Array.from({ length: FRAME_SAMPLES * 3 + 10 }, () => 1000);
    pacer.speak({ samples: speech, onStart: () => events.push('start'), onEnd: () => events.push('end') });
    pacer.start();
    clock.advance(1000, 7); // every timer fires 7 ms late
    assert.ok(frames.length >= 50 && frames.length <= 51, `${frames.length} frames`);
    assert.ok(frames.every((f) => f.length === FRAME_SAMPLES));
    // Each speech frame says so, the last one too, and the utterance ends once it has gone out.
    assert.deepEqual(events, ['start', 'frame', 'frame', 'frame', 'last frame', 'end']);
    assert.equal(pacer.stats.speechFrames, 4);
    assert.equal(frames[3]![9], 1000);
    assert.equal(frames[3]![10], 0, 'the last speech frame is padded with silence');
    assert.ok(frames.slice(4).every((f) => f.every((s) => s === 0)));
    pacer.stop();
  });

  it('after the loop was held, catches up at once but never by more than a second of frames', () => {
    const clock = new ManualClock();
    let n = 0;
    const pacer = new FramePacer(clock, () => n++);
    pacer.start();
    clock.advance(200);
    const before = n;
    clock.t = 3200; // the loop was held for 3 s
    clock.advance(3201);
    assert.equal(n - before, MAX_BURST_FRAMES);
    assert.ok(pacer.stats.droppedFrames > 0);
    pacer.stop();
    clock.advance(5000);
    assert.equal(pacer.stats.frames, n, 'nothing after stop');
  });
});
