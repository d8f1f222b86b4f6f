// `tenant_auto_isolate`: when one tenant's sessions block the shared event loop past a budget
// (`blocks` blocks of at least `block_ms` within `window_s`), its new sessions move into a
// process of their own without waiting for a human. Pure: time injected; the runtime acts on
// the decision and logs its evidence.
import type { StackFrame } from '../../protocol/control';
import type { Clock } from './clock';

export interface AutoIsolateRule {
  block_ms: number;
  blocks: number;
  window_s: number;
}

export interface BlockEvidence {
  at: number;
  blocked_ms: number;
  session_id: string | null;
  frame: StackFrame | null;
}

export interface AutoIsolateDecision {
  tenant: string;
  /** The blocks that crossed the budget, oldest first. */
  evidence: BlockEvidence[];
  /** One line for the log, the snapshot and the tree. */
  reason: string;
}

/** Tenants tracked at most (an unbounded tenant id space must not grow this map without end). */
const MAX_TRACKED = 10_000;

export class AutoIsolatePolicy {
  private readonly recent = new Map<string, BlockEvidence[]>();

  constructor(
    private rule: AutoIsolateRule,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  setRule(rule: AutoIsolateRule): void {
    this.rule = rule;
  }

  /** A block of the shared loop by one of `tenant`'s sessions; a decision once the budget is crossed. */
  onBlock(tenant: string, block: Omit<BlockEvidence, 'at'>): AutoIsolateDecision | null {
    if (block.blocked_ms < this.rule.block_ms) return null;
    const now = this.clock.now();
    const since = now - this.rule.window_s * 1000;
    const kept = (this.recent.get(tenant) ?? []).filter((b) => b.at > since);
    kept.push({ ...block, at: now });
    this.recent.delete(tenant); // re-inserted last: the map's order is by recency
    if (kept.length < this.rule.blocks) {
      this.recent.set(tenant, kept);
      if (this.recent.size > MAX_TRACKED) this.recent.delete(this.recent.keys().next().value ?? '');
      return null;
    }
    return { tenant, evidence: kept, reason: this.reasonFor(kept) };
  }

  /** Restored by hand, or isolated otherwise: its count starts again from nothing. */
  forget(tenant: string): void {
    this.recent.delete(tenant);
  }

  private reasonFor(evidence: BlockEvidence[]): string {
    const last = evidence[evidence.length - 1];
    const where = last?.frame ? ` at ${last.frame.file}:${last.frame.line}` : '';
    const who = last?.session_id ? `; last by session ${last.session_id}${where}` : where;
    return `blocked the shared event loop ${evidence.length} times for ≥ ${this.rule.block_ms} ms within ${this.rule.window_s} s (${evidence.map((b) => `${Math.round(b.blocked_ms)} ms`).join(', ')})${who}`;
  }
}
