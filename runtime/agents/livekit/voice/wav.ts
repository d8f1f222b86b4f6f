// Reads the WAV espeak-ng writes to stdout: RIFF, a PCM `fmt ` chunk, then `data`. Written as a
// stream, its size fields say 0x7fffffff, so a chunk that claims more than is there ends at the
// end of the bytes instead of being an error.
import { endianness } from 'node:os';

export interface Pcm16 {
  sampleRate: number;
  samples: Int16Array;
}

const LITTLE_ENDIAN = endianness() === 'LE';

export class WavError extends Error {
  constructor(why: string) {
    super(`not a 16-bit mono PCM WAV: ${why}`);
    this.name = 'WavError';
  }
}

export function parseWav(bytes: Buffer): Pcm16 {
  if (bytes.length < 12 || bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE')
    throw new WavError('no RIFF/WAVE header');
  let offset = 12;
  let sampleRate = 0;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = Math.min(bytes.readUInt32LE(offset + 4), bytes.length - offset - 8);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16) throw new WavError('fmt chunk too short');
      const format = bytes.readUInt16LE(body);
      const channels = bytes.readUInt16LE(body + 2);
      const bits = bytes.readUInt16LE(body + 14);
      if (format !== 1 || channels !== 1 || bits !== 16)
        throw new WavError(`format ${format}, ${channels} channel(s), ${bits} bits`);
      sampleRate = bytes.readUInt32LE(body + 4);
    } else if (id === 'data') {
      if (!sampleRate) throw new WavError('data before fmt');
      const count = Math.floor(size / 2);
      // One copy into an aligned buffer, viewed as samples (WAV is little-endian, as is every
      // platform Node ships for); per-sample reads cost the shared loop ~100× more.
      const start = bytes.byteOffset + body;
      const samples = new Int16Array(bytes.buffer.slice(start, start + count * 2));
      if (!LITTLE_ENDIAN) for (let i = 0; i < count; i++) samples[i] = bytes.readInt16LE(body + i * 2);
      return { sampleRate, samples };
    }
    offset = body + size + (size % 2);
  }
  throw new WavError('no data chunk');
}
