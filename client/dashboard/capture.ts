// What the escalation bundle takes from the dashboard: a frame of the bundle's tenant only (the
// bundle goes to that tenant's developers, so no other tenant's name or numbers may be in its
// picture), and the capture requests waiting for the webview to answer with a PNG. Pure; the
// timer is injected so the timeout is tested without waiting.
import type { DashboardFrame } from './messages';

/**
 * `frame` (built with the tenant filter set to `tenant`) with every other tenant's trace removed:
 * the filter's list, the suspect when it is someone else, and any row not of `tenant`.
 */
export function tenantOnlyFrame(frame: DashboardFrame, tenant: string): DashboardFrame {
  const suspectIsTenant = frame.suspect === tenant;
  return {
    ...frame,
    tenantFilter: tenant,
    tenantNames: [tenant],
    suspect: suspectIsTenant ? tenant : null,
    suspectEvidence: suspectIsTenant ? frame.suspectEvidence : [],
    blocks: frame.blocks.filter((b) => b.tenant === tenant),
    tenants: frame.tenants.filter((t) => t.name === tenant),
    cpu: frame.cpu.filter((r) => r.tenant === tenant),
  };
}

export interface CaptureTimer {
  set(fire: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimer: CaptureTimer = {
  set: (fire, ms) => setTimeout(fire, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

interface Pending {
  resolve: (dataUrl: string) => void;
  reject: (err: Error) => void;
  timer: unknown;
}

/** Capture requests by id: each is answered once by the webview, or fails after its timeout. */
export class PngCaptures {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly timer: CaptureTimer = realTimer) {}

  /** A new request: its id goes to the webview; `result` is the PNG data URL it answers with. */
  request(timeoutMs: number): { id: number; result: Promise<string> } {
    const id = this.nextId++;
    const result = new Promise<string>((resolve, reject) => {
      const timer = this.timer.set(() => {
        this.pending.delete(id);
        reject(new Error(`the dashboard did not answer within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
    });
    return { id, result };
  }

  /** The webview's answer; false (and nothing happens) for an id not waiting, e.g. after its timeout. */
  settle(id: number, dataUrl: string): boolean {
    const p = this.pending.get(id);
    if (!p) return false;
    this.pending.delete(id);
    this.timer.clear(p.timer);
    p.resolve(dataUrl);
    return true;
  }

  /** Fails every waiting request (the panel closed). */
  cancelAll(why: string): void {
    for (const p of this.pending.values()) {
      this.timer.clear(p.timer);
      p.reject(new Error(why));
    }
    this.pending.clear();
  }

  get waiting(): number {
    return this.pending.size;
  }
}
