// The CLI's stdout and stderr, written to their file descriptors with blocking writes.
// process.stdout is a stream whose set-up for a pipe loads net and the stream machinery (~5 ms)
// and whose writes pass through them (~8 ms for a check's 4 MB report), a tenth of a warm
// `openrtc check`. Worse, a stdout that is non-blocking (a parent Node process that shares its
// own stdout with us: npm running a script in CI; Node makes a stdout pipe non-blocking) makes
// that stream queue what a slow reader has not taken, and the CLI exits without waiting for it:
// a long report lost all but its first ~300 KB. Here a full pipe (EAGAIN) is waited out, as a
// blocking write would be, so the output is whole and in order whatever the reader.
import { writeSync } from 'node:fs';

/** How long to sleep before trying a full pipe again: from 1 ms, doubling, at most 16 ms. */
const FIRST_WAIT_MS = 1;
const LONGEST_WAIT_MS = 16;

export class FdOutput {
  private readonly sleeper = new Int32Array(new SharedArrayBuffer(4));

  constructor(
    private readonly fd: number,
    /** The reader went away (EPIPE: `openrtc logs | head`). */
    private readonly onClosed: () => void,
  ) {}

  write(data: string | Uint8Array): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let done = 0;
    let wait = FIRST_WAIT_MS;
    while (done < bytes.length) {
      try {
        done += writeSync(this.fd, bytes, done);
        wait = FIRST_WAIT_MS;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') return this.onClosed();
        if (code !== 'EAGAIN') throw error;
        Atomics.wait(this.sleeper, 0, 0, wait); // the main thread may sleep: this is a CLI
        wait = Math.min(wait * 2, LONGEST_WAIT_MS);
      }
    }
  }
}
