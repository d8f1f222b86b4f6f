// Acts on `tenant_auto_isolate` decisions (runtime/policy/auto-isolate.ts): counts the shared
// loop's blocks per tenant, isolates a tenant past the budget, logs why, and keeps the reason for
// the snapshot until `openrtc tenant restore` undoes it.
import type { LoopBlockReport } from '../loop-health/attribution-seam';
import { AutoIsolatePolicy, type AutoIsolateRule } from '../policy/auto-isolate';
import type { Clock } from '../policy/clock';

export interface AutoIsolationDeps {
  clock: Pick<Clock, 'now'>;
  /** The current rule (openrtc.json, reloadable); null = off. */
  rule(): AutoIsolateRule | null;
  /** Whether the tenant's new sessions already run in a process of their own. */
  isIsolated(tenant: string): boolean;
  isolate(tenant: string): Promise<unknown>;
  log(level: 'warn' | 'error', tenant: string, line: string): void;
}

export class AutoIsolation {
  private policy: AutoIsolatePolicy | null = null;
  private ruleKey = '';
  private readonly reasons = new Map<string, string>();

  constructor(private readonly deps: AutoIsolationDeps) {}

  /** A block of the shared loop (blocks inside an isolated tenant's child never reach here). */
  onBlock(r: LoopBlockReport): void {
    const rule = this.deps.rule();
    if (!rule || !r.tenant || this.deps.isIsolated(r.tenant)) return;
    const key = JSON.stringify(rule);
    if (key !== this.ruleKey) {
      this.policy = new AutoIsolatePolicy(rule, this.deps.clock);
      this.ruleKey = key;
    }
    // Judged by the block's own length: on a contended host the loop waiting for a core is the
    // host's doing, and would push a tenant under the budget over it.
    const decision = this.policy?.onBlock(r.tenant, {
      blocked_ms: r.own_ms,
      session_id: r.session_id,
      frame: r.frames.find((f) => !f.file.includes('/node_modules/')) ?? r.frames[0] ?? null,
    });
    if (!decision) return;
    const tenant = decision.tenant;
    this.policy?.forget(tenant);
    this.reasons.set(tenant, `auto-isolated: ${decision.reason}`);
    this.deps.log(
      'warn',
      tenant,
      `[auto-isolate] tenant '${tenant}' ${decision.reason}: its new sessions run in a process of their own (undo: openrtc tenant restore ${tenant})`,
    );
    this.deps.isolate(tenant).catch((error: unknown) => {
      this.reasons.delete(tenant);
      this.deps.log(
        'error',
        tenant,
        `[auto-isolate] tenant '${tenant}' could not be isolated: ${error instanceof Error ? error.message : String(error)}; it stays on the shared loop`,
      );
    });
  }

  /** Why the tenant was isolated automatically; null if it was not (or has been restored). */
  reasonOf(tenant: string): string | null {
    return this.reasons.get(tenant) ?? null;
  }

  restored(tenant: string): void {
    this.reasons.delete(tenant);
    this.policy?.forget(tenant);
  }
}
