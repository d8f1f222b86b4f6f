// Which synchronous functions block the event loop, directly or through the helpers they
// call, across workspace files. Worked out on demand, for the part of the call graph a query
// reaches (an edit re-diagnoses one file without walking the whole workspace): collect the
// not-yet-known functions reachable from the query, then a breadth-first search backwards from
// the blocking calls among them, so each witness is a shortest chain, every function is settled
// once per index version, and cycles (a ↔ b) need no special case.
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

interface Edge {
  node: FunctionNode;
  site: CallSite;
}

export class BlockingClosure {
  /** Settled functions: their first chain step, or null when they do not block. */
  private readonly witness = new Map<string, ChainStep | null>();
  private readonly chainLength = new Map<string, number>();

  constructor(
    private readonly index: WorkspaceIndex,
    private readonly rules: RuleBook,
    private readonly honourNoqa: boolean,
  ) {}

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
    this.settle(node);
    const steps: ChainStep[] = [];
    let current: FunctionNode | null = node;
    while (current !== null && steps.length < maxChainLength) {
      const step = this.witness.get(keyOf(current.summary.path, current.fn.id));
      if (step === undefined || step === null) return steps.length === 0 ? null : steps;
      steps.push(step);
      current = step.next;
    }
    return steps;
  }

  private settle(start: FunctionNode): void {
    const startKey = keyOf(start.summary.path, start.fn.id);
    if (this.witness.has(startKey)) return;
    const region = new Map<string, FunctionNode>();
    const callers = new Map<string, Edge[]>();
    const pending = new Map<string, ChainStep>();
    const distance = new Map<string, number>();
    const buckets: string[][] = [];
    const reach = (key: string, step: ChainStep, d: number): void => {
      if ((distance.get(key) ?? Infinity) <= d) return;
      distance.set(key, d);
      pending.set(key, step);
      (buckets[d] ??= []).push(key);
    };
    const stack: FunctionNode[] = [start];
    while (stack.length > 0) {
      const node = stack.pop() as FunctionNode;
      const key = keyOf(node.summary.path, node.fn.id);
      if (region.has(key)) continue;
      region.set(key, node);
      const { summary } = node;
      for (const site of node.fn.calls) {
        const line = site.range.start.line;
        if (site.callee.kind === 'blocking') {
          const code = site.callee.code;
          if (!isSuppressed(summary, line, code, this.rules.get(code), this.honourNoqa))
            reach(key, { node, site, next: null }, 1);
          continue;
        }
        if (isSuppressed(summary, line, this.rules.transitiveCode(summary.language), undefined, false)) continue;
        const target = this.resolveCallee(summary, site);
        if (target === null || target.fn.isAsync) continue;
        const targetKey = keyOf(target.summary.path, target.fn.id);
        const known = this.witness.get(targetKey);
        if (known === undefined) {
          let list = callers.get(targetKey);
          if (list === undefined) callers.set(targetKey, (list = []));
          list.push({ node, site });
          if (!region.has(targetKey)) stack.push(target);
        } else if (known !== null) {
          reach(key, { node, site, next: target }, 1 + (this.chainLength.get(targetKey) ?? 1));
        }
      }
    }
    for (let d = 1; d < buckets.length; d++) {
      for (const key of buckets[d] ?? []) {
        if (distance.get(key) !== d) continue;
        const target = region.get(key) as FunctionNode;
        for (const { node, site } of callers.get(key) ?? [])
          reach(keyOf(node.summary.path, node.fn.id), { node, site, next: target }, d + 1);
      }
    }
    for (const key of region.keys()) {
      const step = pending.get(key);
      this.witness.set(key, step ?? null);
      if (step !== undefined) this.chainLength.set(key, distance.get(key) as number);
    }
  }
}
