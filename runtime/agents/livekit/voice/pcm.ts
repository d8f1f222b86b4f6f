// The audio a local voice call carries, both ways: 16 kHz mono signed 16-bit PCM in 20 ms frames,
// the rate Silero VAD runs at and a phone line's frame size (50 frames a second per session).
export const SAMPLE_RATE = 16_000;
export const FRAME_MS = 20;
export const FRAME_SAMPLES = (SAMPLE_RATE * FRAME_MS) / 1000;

/** How long `samples` lasts at `sampleRate`, in ms. */
export function durationMs(samples: number, sampleRate: number = SAMPLE_RATE): number {
  return (samples * 1000) / sampleRate;
}
