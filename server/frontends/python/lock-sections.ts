// `with lock:` on the loop waits as long as the lock's longest critical section elsewhere. When
// every section of a lock in the file is short and calls nothing that can block (a buffer shared
// with an audio callback thread, guarded around an append), the wait is bounded and the loop-side
// `with` is not reported. A lock that is also taken with `.acquire()` (its section's end is not
// visible), or that cannot be identified, keeps every finding.
import type { Node } from 'web-tree-sitter';
import type { CallSite } from '../../analysis/summary';
import { pythonExternalModules, pythonRulesByApi } from '../../rules/python';
import type { Resolved, Resolver } from './resolve';
import type { FunctionInfo, Scope } from './scopes';
import { namedChildren } from './syntax';

/** More statements than this in a section, or any loop, makes it long. */
const maxShortStatements = 5;
const longStatementTypes = new Set(['for_statement', 'while_statement', 'with_statement', 'try_statement']);

interface Section {
  fn: FunctionInfo;
  site: CallSite;
  key: string | null;
}

export class LockSections {
  private readonly sections: Section[] = [];
  /** Locks with a section that is long, blocks, or is not visible. */
  private readonly long = new Set<string>();

  constructor(
    private readonly resolver: Resolver,
    private readonly moduleScope: Scope,
  ) {}

  /** Which lock an expression names: a module or function variable, or an attribute of `self`. */
  keyOf(expr: Node, scope: Scope, fn: FunctionInfo): string | null {
    if (expr.type === 'identifier') {
      const found = this.resolver.lookup(expr.text, scope);
      if (!found) return null;
      return found.scope === this.moduleScope ? `module:${expr.text}` : `${fn.id}:${expr.text}`;
    }
    if (expr.type !== 'attribute') return null;
    const object = expr.childForFieldName('object');
    const attribute = expr.childForFieldName('attribute');
    const owner = object ? this.resolver.resolve(object, scope) : null;
    return owner?.kind === 'instance' && attribute ? `${owner.classId}.${attribute.text}` : null;
  }

  /** A `with lock:` site, already in fn.calls; `withItem` is the with_item node. */
  addWith(withItem: Node, lock: Node, scope: Scope, fn: FunctionInfo, site: CallSite): void {
    const key = this.keyOf(lock, scope, fn);
    this.sections.push({ fn, site, key });
    if (key !== null && !this.isShort(withItem, scope)) this.long.add(key);
  }

  /** `lock.acquire()`: the section it starts ends where the code says, which is not followed here. */
  addAcquire(lock: Node, scope: Scope, fn: FunctionInfo): void {
    const key = this.keyOf(lock, scope, fn);
    if (key !== null) this.long.add(key);
  }

  /** Drops the `with` findings of locks whose every section is short; returns those locks, for the memo key. */
  settle(): string[] {
    const quiet = new Set<string>();
    for (const { fn, site, key } of this.sections) {
      if (key === null || this.long.has(key)) continue;
      quiet.add(key);
      const at = fn.calls.indexOf(site);
      if (at !== -1) fn.calls.splice(at, 1);
    }
    return [...quiet].sort();
  }

  private isShort(withItem: Node, scope: Scope): boolean {
    const statement = withItem.parent?.parent;
    const body = statement?.type === 'with_statement' ? statement.childForFieldName('body') : null;
    if (!body) return false;
    const statements = namedChildren(body);
    if (statements.length > maxShortStatements) return false;
    if (statements.some((s) => longStatementTypes.has(s.type))) return false;
    return body.descendantsOfType('call').every((call) => {
      const callee = call?.childForFieldName('function');
      return callee ? this.isCheap(this.resolver.resolve(callee, scope)) : false;
    });
  }

  /** Calls into this file's functions, workspace modules or the catalogue may block; the rest (a method of
   *  a plain value, a builtin, a library call the catalogue does not list) are taken as short. */
  private isCheap(resolved: Resolved | null): boolean {
    if (resolved === null) return true; // a method of an untyped value: `buffer.append(frame)`
    if (resolved.kind === 'function' || resolved.kind === 'class' || resolved.kind === 'instance') return false;
    const qname = this.resolver.qualifiedName(resolved);
    if (qname !== null && pythonRulesByApi.has(qname)) return false;
    const target = this.resolver.importTarget(resolved);
    return target === null || pythonExternalModules.has(target.module.split('.')[0] ?? target.module);
  }
}
