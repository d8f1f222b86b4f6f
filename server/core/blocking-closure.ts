// Which synchronous functions block the event loop, directly or through the helpers they
// call, across workspace files. Computed as a breadth-first search backwards from the
// functions that make a blocking call, so each function's witness is a shortest chain to a
// blocking call, every function is visited once, and cycles (a ↔ b) need no special case.
// Calls to async functions are not edges: calling one only creates a coroutine/promise.
import type { CallSite, FileSummary, FunctionSummary } from '../analysis/summary';
import type { RuleBook } from './rule-book';
import { isSuppressed } from './suppressions';
import type { WorkspaceIndex } from './workspace-index';

export interface FunctionNode {
  summary: FileSummary;
  fn: FunctionSummary;
}

/** One step of a chain: in `node`, the call `site` leads on (to `next`, or to a blocking API). */
export interface ChainStep {
  node: FunctionNode;
  site: CallSite;
  next: FunctionNode | null;
}

const keyOf = (path: string, id: string): string => `${path}\u0000${id}`;
/** Chains are shortest paths, so they cannot be longer than this unless the workspace is absurd. */
const maxChainLength = 64;

export class BlockingClosure {
  private readonly witness = new Map<string, ChainStep>();

  constructor(
    private readonly index: WorkspaceIndex,
    private readonly rules: RuleBook,
    private readonly honourNoqa: boolean,
  ) {
    this.build();
  }

  /** The callee of a local or import call, or null when it is unknown (a package, a missing export). */
  resolveCallee(summary: FileSummary, site: CallSite): FunctionNode | null {
    const callee = site.callee;
    if (callee.kind === 'local') {
      const fn = this.index.functionById(summary, callee.functionId);
      return fn === undefined ? null : { summary, fn };
    }
    if (callee.kind === 'import') return this.index.resolveImport(summary.path, callee.module, callee.name);
    return null;
  }

  /** The chain from `node` to a blocking call (first step is in `node`), or null when it does not block. */
  chainFrom(node: FunctionNode): ChainStep[] | null {
    if (node.fn.isAsync) return null;
    const steps: ChainStep[] = [];
    let current: FunctionNode | null = node;
    while (current !== null && steps.length < maxChainLength) {
      const step = this.witness.get(keyOf(current.summary.path, current.fn.id));
      if (step === undefined) return steps.length === 0 ? null : steps;
      steps.push(step);
      current = step.next;
    }
    return steps;
  }

  private build(): void {
    const callers = new Map<string, { node: FunctionNode; site: CallSite }[]>();
    let frontier: { key: string; node: FunctionNode }[] = [];
    for (const summary of this.index.summaries()) {
      for (const fn of summary.functions) {
        if (fn.isAsync) continue;
        const node = { summary, fn };
        const key = keyOf(summary.path, fn.id);
        for (const site of fn.calls) {
          const line = site.range.start.line;
          if (site.callee.kind === 'blocking') {
            const code = site.callee.code;
            if (this.witness.has(key) || isSuppressed(summary, line, code, this.rules.get(code), this.honourNoqa)) continue;
            this.witness.set(key, { node, site, next: null });
            frontier.push({ key, node });
            continue;
          }
          if (isSuppressed(summary, line, this.rules.transitiveCode(summary.language), undefined, false)) continue;
          const target = this.resolveCallee(summary, site);
          if (target === null || target.fn.isAsync) continue;
          const targetKey = keyOf(target.summary.path, target.fn.id);
          let list = callers.get(targetKey);
          if (list === undefined) callers.set(targetKey, (list = []));
          list.push({ node, site });
        }
      }
    }
    while (frontier.length > 0) {
      const nextFrontier: typeof frontier = [];
      for (const { key, node: target } of frontier) {
        for (const { node, site } of callers.get(key) ?? []) {
          const callerKey = keyOf(node.summary.path, node.fn.id);
          if (this.witness.has(callerKey)) continue;
          this.witness.set(callerKey, { node, site, next: target });
          nextFrontier.push({ key: callerKey, node });
        }
      }
      frontier = nextFrontier;
    }
  }
}
