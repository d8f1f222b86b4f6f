// How long the main thread has waited for a core: the second field of Linux's
// /proc/<pid>/task/<tid>/schedstat (ns spent runnable but not running). A block the host
// stretched by descheduling the loop is this much longer than the code made it; subtracting
// it keeps a 40 ms spin on a busy machine from passing a 50 ms threshold. Elsewhere (or if
// the file cannot be read) it reads 0, and blocks are judged by wall time alone as before.
import { closeSync, openSync, readSync } from 'node:fs';

export type RunQueueClock = () => number;

/** A clock of the calling process's main thread's run-queue wait, in ms. One open fd, read with pread (~4 µs). */
export function mainThreadRunQueueClock(): RunQueueClock {
  let fd: number | null = null;
  try {
    // The main thread's task id is the process id.
    fd = openSync(`/proc/self/task/${process.pid}/schedstat`, 'r');
  } catch {
    return () => 0;
  }
  const buffer = Buffer.alloc(96);
  return () => {
    if (fd === null) return 0;
    try {
      const n = readSync(fd, buffer, 0, buffer.length, 0);
      const waitNs = Number(buffer.toString('latin1', 0, n).split(' ')[1]);
      return Number.isFinite(waitNs) ? waitNs / 1e6 : 0;
    } catch {
      closeSync(fd);
      fd = null;
      return 0;
    }
  };
}
