// The speech a voice call plays, synthesised once per distinct voice, rate and text and kept:
// 100 callers saying the same script cost one espeak-ng run per line, not 100. Entries are
// 16 kHz PCM; the cache is bounded by total samples (oldest dropped first), and a failed
// synthesis is not kept, so the next call tries again.
import type { Espeak, SpeechVoice } from './espeak';
import { resample } from './resample';
import { SAMPLE_RATE } from './pcm';

/** About 100 minutes of 16 kHz speech (~190 MB at most). */
export const DEFAULT_CACHE_SAMPLES = SAMPLE_RATE * 60 * 100;

export class SpeechCache {
  private readonly entries = new Map<string, Promise<Int16Array>>();
  private readonly sizes = new Map<string, number>();
  private total = 0;
  private syntheses = 0;

  constructor(
    private readonly espeak: Espeak,
    private readonly maxSamples: number = DEFAULT_CACHE_SAMPLES,
  ) {}

  /** 16 kHz mono PCM of `text` in voice `v`. */
  speech(text: string, v: SpeechVoice): Promise<Int16Array> {
    const key = `${v.voice}\u0000${v.rate}\u0000${text}`;
    const hit = this.entries.get(key);
    if (hit) {
      // Most recently used last, so eviction drops the stalest line.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    this.syntheses++;
    const made = this.espeak.synthesize(text, v).then((pcm) => resample(pcm.samples, pcm.sampleRate, SAMPLE_RATE));
    this.entries.set(key, made);
    made.then(
      (samples) => this.account(key, samples.length),
      () => this.entries.delete(key),
    );
    return made;
  }

  /** How many times espeak-ng has been asked to synthesise (cache misses). */
  get synthesisCount(): number {
    return this.syntheses;
  }

  private account(key: string, samples: number): void {
    if (!this.entries.has(key)) return;
    this.sizes.set(key, samples);
    this.total += samples;
    for (const old of this.entries.keys()) {
      if (this.total <= this.maxSamples || old === key) break;
      const size = this.sizes.get(old);
      if (size === undefined) continue; // still being made
      this.entries.delete(old);
      this.sizes.delete(old);
      this.total -= size;
    }
  }
}
