// Who decides a forwarded request's fate: the main loop, by taking it, or the control thread,
// by giving up on it once the caller's bound has passed. Exactly one wins (an atomic swap on a
// shared word), so a request answered "not applied" is never applied later.
const PENDING = 0;
const TAKEN = 1;
const EXPIRED = 2;

export class LoopClaim {
  private readonly word: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)) {
    this.word = new Int32Array(buffer);
  }

  /** The main loop: true if it may serve the request (the bound had not passed). */
  take(): boolean {
    return Atomics.compareExchange(this.word, 0, PENDING, TAKEN) === PENDING;
  }

  /** The control thread: true if the request will never be served (the loop had not taken it). */
  expire(): boolean {
    return Atomics.compareExchange(this.word, 0, PENDING, EXPIRED) === PENDING;
  }
}
