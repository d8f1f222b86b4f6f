// Where the scripted STT makes a caller turn's words final: at the turn's last frame, or, when
// that frame never reached it (agents-js replaced it with silence), at the first frame after.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TurnTranscriber, type SpeechMark } from '../../runtime/agents/livekit/voice/turn-transcripts';

function turnFrames(text: string, n: number): SpeechMark[] {
  const turn = {};
  return Array.from({ length: n }, (_, i) => ({ turn, text, last: i === n - 1 }));
}

const feed = (t: TurnTranscriber, frames: (SpeechMark | undefined)[]): string[][] => frames.map((m) => t.next(m));

describe('turn transcripts', () => {
  it('makes each turn final exactly at its last frame, silence in between emitting nothing', () => {
    const t = new TurnTranscriber();
    const a = turnFrames('a room please', 3);
    const b = turnFrames('thanks', 2);
    assert.deepEqual(feed(t, [undefined, ...a, undefined, undefined, ...b, undefined]), [
      [],
      [],
      [],
      ['a room please'],
      [],
      [],
      [],
      ['thanks'],
      [],
    ]);
    assert.deepEqual(t.end(), []);
  });

  it('two turns with the same words are two transcripts, even back to back', () => {
    const t = new TurnTranscriber();
    const out = feed(t, [...turnFrames('yes', 2), ...turnFrames('yes', 2)]).flat();
    assert.deepEqual(out, ['yes', 'yes']);
  });

  it('a turn whose last frame was replaced is final at the next frame that is not its own', () => {
    const t = new TurnTranscriber();
    const a = turnFrames('cut short', 4);
    const b = turnFrames('next', 2);
    assert.deepEqual(feed(t, [a[0], a[1], undefined]), [[], [], ['cut short']]);
    assert.deepEqual(feed(t, [a[2], b[0], b[1]]), [[], ['cut short'], ['next']]);
  });

  it('a turn never heard (all its frames silenced) gives no transcript; the end of input finishes one being heard', () => {
    const t = new TurnTranscriber();
    assert.deepEqual(feed(t, [undefined, undefined]).flat(), []);
    const a = turnFrames('half', 4);
    assert.deepEqual(feed(t, [a[0], a[1]]).flat(), []);
    assert.deepEqual(t.end(), ['half']);
    assert.deepEqual(t.end(), []);
  });
});
