// Content-Length framing (the LSP / vscode-jsonrpc wire form), decoded with hard limits.
// vscode-jsonrpc's own reader buffers a header or body of any size until it is complete;
// a control socket must not, so both ends decode frames through this bounded decoder.
// Node `Buffer` only: the extension imports this file too.

export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
/** A header block longer than this is garbage, not a slow header. */
export const MAX_HEADER_BYTES = 8 * 1024;

export class FrameError extends Error {
  constructor(
    readonly kind: 'oversized' | 'garbled',
    message: string,
  ) {
    super(message);
    this.name = 'FrameError';
  }
}

const HEADER_END = Buffer.from('\r\n\r\n', 'ascii');

/** Turns a byte stream into message bodies; throws FrameError and must then be discarded. */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private bodyLength = -1;

  constructor(private readonly maxMessageBytes: number = DEFAULT_MAX_MESSAGE_BYTES) {}

  /** Bytes held for an incomplete frame: never more than the header or body limit. */
  get bufferedBytes(): number {
    return this.pending.length;
  }

  /** True once a frame has begun and until it completes, even when its header is all that came. */
  get midFrame(): boolean {
    return this.pending.length > 0 || this.bodyLength >= 0;
  }

  /** Takes whatever arrived and returns every body it completed, in order. */
  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const bodies: Buffer[] = [];
    for (;;) {
      if (this.bodyLength < 0) {
        const end = this.pending.indexOf(HEADER_END);
        if (end < 0) {
          if (this.pending.length > MAX_HEADER_BYTES) {
            throw new FrameError('garbled', `no end of header within ${MAX_HEADER_BYTES} bytes`);
          }
          return bodies;
        }
        this.bodyLength = this.parseHeader(this.pending.subarray(0, end).toString('ascii'));
        this.pending = this.pending.subarray(end + HEADER_END.length);
      }
      if (this.pending.length < this.bodyLength) return bodies;
      bodies.push(this.pending.subarray(0, this.bodyLength));
      this.pending = this.pending.subarray(this.bodyLength);
      this.bodyLength = -1;
    }
  }

  private parseHeader(block: string): number {
    let length: number | undefined;
    for (const line of block.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) throw new FrameError('garbled', `malformed header line ${JSON.stringify(line.slice(0, 80))}`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name !== 'content-length') continue;
      if (!/^\d{1,10}$/.test(value))
        throw new FrameError('garbled', `Content-Length ${JSON.stringify(value.slice(0, 40))} is not a number`);
      length = Number(value);
    }
    if (length === undefined) throw new FrameError('garbled', 'header has no Content-Length');
    if (length > this.maxMessageBytes) {
      throw new FrameError('oversized', `message of ${length} bytes exceeds the ${this.maxMessageBytes}-byte limit`);
    }
    return length;
  }
}

export function encodeFrame(message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
}
