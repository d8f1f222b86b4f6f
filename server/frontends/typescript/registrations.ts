// Who runs a function: what the code around a function expression says (its role), and the
// functions of this file handed over by name (`room.on('x', handler)`, `setTimeout(tick)`),
// whose summaries are marked once the whole file has been walked.
import type { FunctionSummary, LoopRootKind } from '../../analysis/summary';

/** What the code around a function expression says about who runs it. */
export type Role =
  | { kind: 'root'; root: LoopRootKind }
  /** Called synchronously by the call it is passed to: part of the enclosing function. */
  | { kind: 'inline' }
  /** Runs on a worker, or at start-up (`prewarm`): never loop code. */
  | { kind: 'off-loop' };

export type Registration = readonly [functionId: string, role: Role];

export class Registrations {
  private readonly byId = new Map<string, Role>();
  /** Set while one statement is walked for its memo record: what it registers, in order. */
  log: Registration[] | undefined;

  /** The first registration of a function decides who runs it. */
  register(functionId: string, role: Role): void {
    this.log?.push([functionId, role]);
    if (!this.byId.has(functionId)) this.byId.set(functionId, role);
  }

  /** Marks the registered functions: loop roots, or never loop code. */
  applyTo(functions: readonly FunctionSummary[]): void {
    const byId = new Map(functions.map((fn) => [fn.id, fn]));
    for (const [id, role] of this.byId) {
      const fn = byId.get(id);
      if (fn === undefined) continue;
      if (role.kind === 'root') fn.loopRoot = role.root;
      else if (role.kind === 'off-loop') fn.loopRoot = null;
    }
  }
}
