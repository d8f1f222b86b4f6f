// Holds back a record that repeats too often. agents-js logs some warnings on every audio frame
// or VAD window once a session falls behind ("VAD inference is slower than realtime": 31 a
// second per session): each costs the loop a stack capture, serialisation and a write, which
// keeps the session behind, and the log fills with one line. Per key (session, level, message),
// `burst` records per window go through; the rest are counted, and the next one let through
// says how many were held back. Records that repeat less often (per turn, per call) all pass.

export interface RepeatLimitOptions {
  windowMs: number;
  /** Records per key let through in one window. */
  burst: number;
  /** Keys remembered (the oldest is forgotten first): bounds the memory whatever the traffic. */
  maxKeys: number;
}

interface KeyWindow {
  start: number;
  passed: number;
  held: number;
}

export class RepeatLimit {
  private readonly keys = new Map<string, KeyWindow>();

  constructor(private readonly o: RepeatLimitOptions) {}

  /** null: hold this record back; otherwise how many like it were held back before it. */
  admit(key: string, now: number): number | null {
    const w = this.keys.get(key);
    if (w && now - w.start < this.o.windowMs) {
      if (w.passed >= this.o.burst) {
        w.held++;
        return null;
      }
      w.passed++;
      return 0;
    }
    this.keys.delete(key);
    this.keys.set(key, { start: now, passed: 1, held: 0 });
    if (this.keys.size > this.o.maxKeys) this.keys.delete(this.keys.keys().next().value as string);
    return w?.held ?? 0;
  }
}
