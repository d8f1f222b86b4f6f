// espeak-ng as the calls use it: real synthesis, parsed and resampled to 16 kHz, cached once per
// distinct line; and a machine without it (a PATH without espeak-ng) gets an error naming the package.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Espeak, EspeakMissingError, speechVoiceProblem } from '../../runtime/agents/livekit/voice/espeak';
import { SAMPLE_RATE } from '../../runtime/agents/livekit/voice/pcm';
import { resample } from '../../runtime/agents/livekit/voice/resample';
import { SpeechCache } from '../../runtime/agents/livekit/voice/speech-cache';
import { parseWav, WavError } from '../../runtime/agents/livekit/voice/wav';

const VOICE = { voice: 'en-us', rate: 170 };

describe('espeak-ng speech', () => {
  it('synthesises real speech, and a line is synthesised once however often it is asked for', async () => {
    const cache = new SpeechCache(new Espeak());
    const [a, b] = await Promise.all([
      cache.speech('A table for two.', VOICE),
      cache.speech('A table for two.', VOICE),
    ]);
    assert.equal(a, b);
    assert.equal(cache.synthesisCount, 1);
    const ms = (a.length * 1000) / SAMPLE_RATE;
    assert.ok(ms > 500 && ms < 4000, `${ms} ms`);
    assert.ok(
      a.some((s) => Math.abs(s) > 3000),
      'audible',
    );
    await cache.speech('A table for two.', { voice: 'en-us', rate: 300 });
    assert.equal(cache.synthesisCount, 2, 'another rate is another line');
  });

  it('a PATH without espeak-ng gives an error that names the package', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-espeak-'));
    try {
      const espeak = new Espeak({ env: { PATH: empty } });
      for (const attempt of [espeak.check(), espeak.synthesize('hello', VOICE)]) {
        await assert.rejects(attempt, (e: unknown) => {
          assert.ok(e instanceof EspeakMissingError);
          assert.match(e.message, /install the espeak-ng package \(Debian\/Ubuntu: sudo apt-get install espeak-ng\)/);
          return true;
        });
      }
    } finally {
      rmSync(empty, { recursive: true });
    }
  });

  it('voice settings are checked before espeak-ng runs', () => {
    assert.equal(speechVoiceProblem(VOICE), null);
    assert.match(String(speechVoiceProblem({ voice: '-x', rate: 170 })), /not an espeak-ng voice name/);
    assert.match(String(speechVoiceProblem({ voice: 'en', rate: 20 })), /from 80 to 450/);
  });

  it('a WAV that is not 16-bit mono PCM is refused', () => {
    assert.throws(() => parseWav(Buffer.from('nope')), WavError);
  });

  it('resampling keeps a tone at its pitch and length', () => {
    const from = 22_050;
    const tone = Int16Array.from({ length: from }, (_, i) =>
      Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / from)),
    );
    const out = resample(tone, from, SAMPLE_RATE);
    assert.equal(out.length, SAMPLE_RATE);
    let crossings = 0;
    for (let i = 1; i < out.length; i++) if (out[i - 1]! < 0 && out[i]! >= 0) crossings++;
    assert.ok(Math.abs(crossings - 440) <= 2, `${crossings} cycles`);
    // Cheap enough for the shared loop: a second of speech costs a small fraction of a second.
    const started = performance.now();
    for (let i = 0; i < 5; i++) resample(tone, from, SAMPLE_RATE);
    const perSecond = (performance.now() - started) / 5;
    assert.ok(perSecond < 100, `${perSecond.toFixed(1)} ms per second of audio`);
  });
});
