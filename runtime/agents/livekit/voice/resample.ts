// Sample-rate conversion for speech (espeak-ng writes 22,050 Hz; the call runs at 16 kHz): a
// windowed-sinc interpolator whose cut-off sits below the lower Nyquist rate, so downsampling
// does not fold the upper band back into speech. Run once per distinct text (the cache keeps
// the result), so clarity matters more than speed here.
const HALF_TAPS = 16;

export function resample(input: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (fromRate === toRate) return input.slice();
  const ratio = toRate / fromRate;
  const out = new Int16Array(Math.floor(input.length * ratio));
  // Cut-off relative to the input rate: the lower of the two Nyquist frequencies, a little under.
  const cutoff = Math.min(1, ratio) * 0.95;
  for (let n = 0; n < out.length; n++) {
    const centre = n / ratio;
    const first = Math.ceil(centre - HALF_TAPS / cutoff);
    const last = Math.floor(centre + HALF_TAPS / cutoff);
    let acc = 0;
    let weight = 0;
    for (let k = first; k <= last; k++) {
      const x = (k - centre) * cutoff;
      const w = sinc(x) * blackman(x / HALF_TAPS);
      weight += w;
      if (k >= 0 && k < input.length) acc += input[k]! * w;
    }
    out[n] = clamp16(weight ? acc / weight : 0);
  }
  return out;
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
