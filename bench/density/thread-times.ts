// The main thread's own clocks on Linux (/proc/self/task/<pid>/schedstat: ns on a core, ns
// runnable but waiting for one). The loop's CPU says how close the loop is to saturation (one
// thread, so 100 % is the ceiling, whatever the process's other threads do); the wait says how
// much of the window a busy host took from it, which inflates lag without being our code's.
import { readFileSync } from 'node:fs';

export interface ThreadTimes {
  runMs: number;
  waitMs: number;
}

export function mainThreadTimes(): ThreadTimes {
  try {
    const [run, wait] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ').map(Number);
    return { runMs: (run ?? NaN) / 1e6, waitMs: (wait ?? NaN) / 1e6 };
  } catch {
    return { runMs: NaN, waitMs: NaN };
  }
}
