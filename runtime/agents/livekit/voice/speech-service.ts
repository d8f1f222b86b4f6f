// The process's one espeak-ng and one speech cache: every voice call's caller and every
// EspeakTTS share them, so a line said by 100 callers is synthesised once.
import { Espeak } from './espeak';
import { SpeechCache } from './speech-cache';

const espeak = new Espeak();
const cache = new SpeechCache(espeak);
let checked: Promise<void> | undefined;

export function sharedSpeechCache(): SpeechCache {
  return cache;
}

/** Rejects with EspeakMissingError (naming the package) when espeak-ng cannot run; a success is kept. */
export function checkSpeech(): Promise<void> {
  checked ??= espeak.check().catch((error: unknown) => {
    checked = undefined;
    throw error;
  });
  return checked;
}
