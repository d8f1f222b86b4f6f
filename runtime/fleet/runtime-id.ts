// A runtime's name in the fleet: host, pid and a random tail, so two runtimes on one machine, or
// a restarted one reusing a pid, never share a lease set. Only [A-Za-z0-9_.-]: it goes in keys.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

export function newRuntimeId(host: string = hostname(), pid: number = process.pid): string {
  const safeHost = host.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64) || 'host';
  return `${safeHost}-${pid}-${randomBytes(3).toString('hex')}`;
}
