// Tenants the runtime put into process isolation on its own and must keep there across a restart
// (`loop_stall_exit_s`: the runtime exits because of the tenant, and its successor must not run
// that tenant on the shared loop again). One small JSON file under .openrtc/, written atomically
// and synchronously (it is written from inside a stalled loop), read once at start.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isValidTenantId } from '../../protocol/tenant-id';
import { messageOf } from '../../protocol/errors';

export const ISOLATION_MEMORY_FILE = '.openrtc/isolated-tenants.json';

export interface RememberedIsolation {
  /** Why, for the snapshot's `isolation_reason` and the tree. */
  reason: string;
  /** ISO time it was written. */
  at: string;
}

interface MemoryFile {
  version: 1;
  tenants: Record<string, RememberedIsolation>;
}

export class IsolationMemory {
  private tenants = new Map<string, RememberedIsolation>();

  constructor(readonly file: string) {}

  /** Reads the file; a missing one is empty, a bad one is reported through `problem` and ignored whole. */
  load(problem: (message: string) => void): void {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') problem(`${this.file}: cannot read: ${messageOf(err)}`);
      return;
    }
    const parsed = parseMemory(text);
    if (typeof parsed === 'string') {
      problem(`${this.file}: ${parsed}; ignored (no tenant is isolated from it)`);
      return;
    }
    this.tenants = new Map(Object.entries(parsed.tenants));
  }

  entries(): [string, RememberedIsolation][] {
    return [...this.tenants];
  }

  has(tenant: string): boolean {
    return this.tenants.has(tenant);
  }

  reasonOf(tenant: string): string | null {
    return this.tenants.get(tenant)?.reason ?? null;
  }

  remember(tenant: string, entry: RememberedIsolation): void {
    this.tenants.set(tenant, entry);
    this.save();
  }

  forget(tenant: string): void {
    if (this.tenants.delete(tenant)) this.save();
  }

  private save(): void {
    if (this.tenants.size === 0) {
      rmSync(this.file, { force: true });
      return;
    }
    const body: MemoryFile = { version: 1, tenants: Object.fromEntries(this.tenants) };
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(body, null, 2)}\n`);
    renameSync(tmp, this.file);
  }
}

/** The file's content, or why it is not a memory file (a person may have edited it). */
export function parseMemory(text: string): MemoryFile | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `not valid JSON (${messageOf(err)})`;
  }
  if (typeof value !== 'object' || value === null) return 'not a JSON object';
  const v = value as Record<string, unknown>;
  if (v['version'] !== 1) return `version must be 1, got ${JSON.stringify(v['version'])}`;
  const tenants = v['tenants'];
  if (typeof tenants !== 'object' || tenants === null || Array.isArray(tenants)) return 'tenants must be an object';
  const out: Record<string, RememberedIsolation> = {};
  for (const [tenant, entry] of Object.entries(tenants as Record<string, unknown>)) {
    if (!isValidTenantId(tenant)) return `tenants: ${JSON.stringify(tenant)} is not a valid tenant id`;
    const e = entry as Record<string, unknown> | null;
    if (typeof e !== 'object' || e === null || typeof e['reason'] !== 'string' || typeof e['at'] !== 'string')
      return `tenants.${tenant}: must be {"reason": string, "at": string}`;
    out[tenant] = { reason: e['reason'], at: e['at'] };
  }
  return { version: 1, tenants: out };
}
