// Waits for a tenant child to be ready: the first start's wait, and each session's wait through a
// restart. A session's wait ends early when the session ends (release), so a call that is already
// over is never failed later by the child's absence.

interface Waiter {
  sessionId: string | null;
  resolve(): void;
  reject(err: Error): void;
}

export class ReadyGate {
  private waiters: Waiter[] = [];

  /** Resolves on open(), rejects on fail() or after `timeoutMs` with `timeoutError()`. */
  wait(sessionId: string | null, timeoutMs: number, timeoutError: () => Error): Promise<void> {
    return new Promise((resolve, reject) => {
      const settle = (): void => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
      };
      const waiter: Waiter = {
        sessionId,
        resolve: () => {
          settle();
          resolve();
        },
        reject: (err: Error) => {
          settle();
          reject(err);
        },
      };
      const timer = setTimeout(() => waiter.reject(timeoutError()), timeoutMs);
      timer.unref();
      this.waiters.push(waiter);
    });
  }

  /** The session ended while waiting: its wait resolves now (the caller sees its aborted signal). */
  release(sessionId: string): void {
    this.waiters.find((w) => w.sessionId === sessionId)?.resolve();
  }

  open(): void {
    for (const w of [...this.waiters]) w.resolve();
  }

  fail(err: Error): void {
    for (const w of [...this.waiters]) w.reject(err);
  }
}
