// Sample-rate conversion for speech (espeak-ng writes 22,050 Hz; the call runs at 16 kHz): a
// windowed-sinc interpolator whose cut-off sits below the lower Nyquist rate, so downsampling
// does not fold the upper band back into speech. It runs on the shared loop once per distinct
// line, so its kernels are computed once per phase: for 22,050 → 16,000 an output sample falls
// at one of 320 fractional positions, and each position's weights are reused for every sample
// that lands there (multiply-adds only in the inner loop, ~1 ms per second of speech).
const HALF_TAPS = 16;

interface Kernel {
  /** Offset of weights[0] from the input sample just before the output position. */
  first: number;
  weights: Float64Array;
}

export function resample(input: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (fromRate === toRate) return input.slice();
  const g = gcd(fromRate, toRate);
  const up = toRate / g; // output samples per period
  const down = fromRate / g; // input samples per period
  const out = new Int16Array(Math.floor((input.length * up) / down));
  const cutoff = Math.min(1, toRate / fromRate) * 0.95;
  const kernels = new Map<number, Kernel>();
  for (let n = 0; n < out.length; n++) {
    const base = Math.floor((n * down) / up);
    const phase = (n * down) % up;
    let kernel = kernels.get(phase);
    if (!kernel) kernels.set(phase, (kernel = makeKernel(phase / up, cutoff)));
    let acc = 0;
    const start = base + kernel.first;
    const w = kernel.weights;
    for (let k = 0; k < w.length; k++) {
      const i = start + k;
      if (i >= 0 && i < input.length) acc += input[i]! * w[k]!;
    }
    out[n] = clamp16(acc);
  }
  return out;
}

/** Normalised weights for an output sample `frac` (0 ≤ frac < 1) past an input sample. */
function makeKernel(frac: number, cutoff: number): Kernel {
  const reach = HALF_TAPS / cutoff;
  const first = Math.ceil(frac - reach);
  const last = Math.floor(frac + reach);
  const weights = new Float64Array(last - first + 1);
  let sum = 0;
  for (let k = first; k <= last; k++) {
    const x = (k - frac) * cutoff;
    const w = sinc(x) * blackman(x / HALF_TAPS);
    weights[k - first] = w;
    sum += w;
  }
  for (let k = 0; k < weights.length; k++) weights[k]! /= sum;
  return { first, weights };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

/** Blackman window over t in [-1, 1]; 0 outside. */
function blackman(t: number): number {
  if (t <= -1 || t >= 1) return 0;
  const u = (t + 1) / 2;
  return 0.42 - 0.5 * Math.cos(2 * Math.PI * u) + 0.08 * Math.cos(4 * Math.PI * u);
}

function clamp16(v: number): number {
  return Math.max(-32768, Math.min(32767, Math.round(v)));
}
