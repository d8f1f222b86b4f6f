// OS-level helpers for tenant children: reading a process's RSS from /proc, and making sure no
// child outlives the runtime.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

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

/**
 * Runs the child at a lower CPU priority than the runtime. On a small host a tenant that spins in
 * its child otherwise competes with the shared loop for the same cores; with a higher niceness the
 * scheduler serves the runtime first. Best effort: a platform that refuses leaves the default.
 */
export function lowerPriority(child: ChildProcess, niceness: number): void {
  if (child.pid === undefined || niceness <= 0) return;
  try {
    setPriority(child.pid, Math.min(19, getPriority() + niceness));
  } catch {
    // Not permitted here (some containers); isolation still works, only without the priority edge.
  }
}
