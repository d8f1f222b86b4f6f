// OS-level helpers for tenant children: reading a process's RSS from /proc, and making sure no
// child outlives the runtime.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Children never outlive the runtime: on exit (also after an uncaught error) kill is synchronous. */
export function killOnExit(child: ChildProcess): void {
  if (!exitHookInstalled) process.once('exit', () => liveChildren.forEach((c) => c.kill('SIGKILL')));
  exitHookInstalled = true;
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
}

/** VmRSS of a process from /proc (Linux), MB; null where /proc is not available. */
export function readRssMb(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round((Number(m[1]) / 1024) * 100) / 100 : null;
  } catch {
    return null;
  }
}
