// Splits a byte stream into lines with a hard cap on line length, so a log file with a
// multi-megabyte (or endless) line costs at most `maxLineBytes` of memory: the long line is
// skipped and reported as oversized instead of being buffered until its newline arrives.

export type LinePiece = { kind: 'line'; text: string } | { kind: 'oversized'; bytes: number };

export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

export class LineSplitter {
  private parts: Buffer[] = [];
  private held = 0;
  /** Bytes of the current line seen while skipping it (it went over the cap). */
  private skipping = -1;
  private peak = 0;

  constructor(private readonly maxLineBytes: number = DEFAULT_MAX_LINE_BYTES) {}

  /** Largest number of bytes ever held for an unfinished line (for the memory tests). */
  get peakHeldBytes(): number {
    return this.peak;
  }

  push(chunk: Buffer): LinePiece[] {
    const out: LinePiece[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      const piece = chunk.subarray(start, nl < 0 ? chunk.length : nl);
      this.take(piece);
      if (nl < 0) break;
      out.push(this.finishLine());
      start = nl + 1;
    }
    return out;
  }

  /** Bytes of the unfinished line pushed so far (held or skipped). */
  get pendingBytes(): number {
    return this.skipping >= 0 ? this.skipping : this.held;
  }

  /** The unterminated last line, if any (call at end of input; not while following a growing file). */
  end(): LinePiece[] {
    if (this.skipping < 0 && this.held === 0) return [];
    return [this.finishLine()];
  }

  private take(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.skipping >= 0) {
      this.skipping += piece.length;
      return;
    }
    if (this.held + piece.length > this.maxLineBytes) {
      this.skipping = this.held + piece.length;
      this.parts = [];
      this.held = 0;
      return;
    }
    // Copy: the chunk's memory would otherwise stay alive as long as this fragment does.
    this.parts.push(Buffer.from(piece));
    this.held += piece.length;
    this.peak = Math.max(this.peak, this.held);
  }

  private finishLine(): LinePiece {
    if (this.skipping >= 0) {
      const bytes = this.skipping;
      this.skipping = -1;
      return { kind: 'oversized', bytes };
    }
    const text = Buffer.concat(this.parts, this.held).toString('utf8').replace(/\r$/, '');
    this.parts = [];
    this.held = 0;
    return { kind: 'line', text };
  }
}
