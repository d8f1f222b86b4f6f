// Pass 2: turn the queued calls, `with` items and `while` loops into call sites (catalogue
// hits, local functions, imported names) and mark the functions the loop runs by itself.
// Passing a function somewhere (`asyncio.to_thread(f)`, `run_in_executor(None, f)`) is not a
// call: only call nodes become call sites, and a lambda is its own function, never a root
// unless it is registered as a loop callback.
import type { Node } from 'web-tree-sitter';
import type { CallSite, Callee, FixSuggestion, LoopRootKind } from '../../analysis/summary';
import {
  PYTHON_BUSY_WAIT_CODE,
  PYTHON_SLEEP_CODE,
  pythonExternalModules,
  pythonRulesByApi,
  pythonRulesByCode,
  pythonWithAcquireTypes,
  type ArgCondition,
  type PythonRule,
} from '../../rules/python';
import { offloadFix, sleepFix, type FixContext } from './fixes';
import { LockSections } from './lock-sections';
import type { Resolved } from './resolve';
import type { FunctionInfo, Pending, RootMark, Scope } from './scopes';
import { ReplayConflict } from './unit-memo';
import {
  argumentAt,
  callArguments,
  nameChain,
  namedChildren,
  rangeOf,
  unparenthesize,
  type CallArguments,
} from './syntax';

/** Methods whose function argument the loop calls later, and which argument it is. */
const CALLBACK_REGISTRATIONS: Record<string, { index: number; kind: LoopRootKind }> = {
  on: { index: 1, kind: 'event-handler' },
  once: { index: 1, kind: 'event-handler' },
  add_listener: { index: 1, kind: 'event-handler' },
  call_soon: { index: 0, kind: 'timer' },
  call_soon_threadsafe: { index: 0, kind: 'timer' },
  call_later: { index: 1, kind: 'timer' },
  call_at: { index: 1, kind: 'timer' },
  add_done_callback: { index: 0, kind: 'then' },
  add_reader: { index: 1, kind: 'event-handler' },
  add_writer: { index: 1, kind: 'event-handler' },
  add_signal_handler: { index: 1, kind: 'event-handler' },
};
/** An `entry` wins over any other root; otherwise the first root a function gets stays. */
function applyRoot(fn: FunctionInfo, kind: LoopRootKind): void {
  if (kind === 'entry' || fn.loopRoot === null) fn.loopRoot = kind;
}

/** Decorators that make a sync def a loop callback: `@room.on("evt")`, `@server.rtc_session()`. */
const DECORATOR_ROOTS: Record<string, LoopRootKind> = {
  on: 'event-handler',
  once: 'event-handler',
  rtc_session: 'entry',
};
/** `@functools.cache`, `@lru_cache(maxsize=None)`: the body runs once per distinct argument. */
const MEMOISING_DECORATORS = new Set(['functools.cache', 'functools.lru_cache']);
/** LiveKit's `WorkerOptions(entrypoint_fnc=entrypoint)`. */
const ENTRY_KEYWORD = 'entrypoint_fnc';
/** `lock.acquire` for the types `with lock:` acquires. */
const lockAcquireApis = new Set(pythonWithAcquireTypes.map((type) => `${type}.acquire`));
const BUSY_WAIT_CLOCKS = new Set(pythonRulesByCode.get(PYTHON_BUSY_WAIT_CODE)?.apis ?? []);

export class CallPass {
  private readonly byId: Map<string, FunctionInfo>;
  readonly mentionsEntryKeyword: boolean;
  /** Loop roots calls mark, applied once every call is seen (replayed defs' marks join them in text order). */
  readonly marks: RootMark[] = [];
  /** Each function's root from its decorators alone, before any call marked it. */
  readonly intrinsicRoots = new Map<FunctionInfo, LoopRootKind | null>();
  /** How many of the module's call sites come from calls and `with` items (the rest are busy-waits). */
  moduleCallPhaseEnd = 0;
  /** Locks whose every critical section is short (their `with` is not reported); part of the memo key. */
  quietLocks: string[] = [];
  private readonly lockSections: LockSections;

  constructor(private readonly ctx: FixContext) {
    this.byId = new Map(ctx.file.functions.map((f) => [f.id, f]));
    this.mentionsEntryKeyword = ctx.text.includes(ENTRY_KEYWORD);
    this.lockSections = new LockSections(ctx.resolver, ctx.file.moduleScope);
  }

  run(): void {
    const { pending, replayedMarks } = this.ctx.file;
    for (const fn of this.ctx.file.functions) {
      this.markDecoratorRoots(fn);
      this.intrinsicRoots.set(fn, fn.loopRoot);
    }
    for (const item of pending) {
      if (item.kind === 'call') this.visitCall(item);
      else if (item.kind === 'with') this.visitWithItem(item);
    }
    this.quietLocks = this.lockSections.settle();
    this.moduleCallPhaseEnd = this.ctx.file.module.calls.length;
    const marks =
      replayedMarks.length === 0 ? this.marks : [...this.marks, ...replayedMarks].sort((a, b) => a.at - b.at);
    for (const mark of marks) {
      const target = this.byId.get(mark.target);
      if (target === undefined) throw new ReplayConflict(`a replayed call marks ${mark.target}, which is gone`);
      applyRoot(target, mark.kind);
    }
    // After the calls, so a loop whose body already blocks is reported once, by its call.
    for (const item of pending) if (item.kind === 'while') this.visitWhile(item);
  }

  private markRoot(fn: FunctionInfo, kind: LoopRootKind, at: number): void {
    this.marks.push({ at, target: fn.id, kind });
  }

  private markDecoratorRoots(fn: FunctionInfo): void {
    for (const decorator of fn.decorators) {
      const expression = namedChildren(decorator)[0];
      const callee = expression?.type === 'call' ? expression.childForFieldName('function') : expression;
      const qname = callee ? this.ctx.resolver.qualifiedName(this.ctx.resolver.resolve(callee, fn.scope)) : null;
      if (qname !== null && MEMOISING_DECORATORS.has(qname)) fn.memoised = true;
      const method = callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : undefined;
      const kind = method === undefined ? undefined : DECORATOR_ROOTS[method];
      // `@x.on` without arguments is not LiveKit's form; `@server.rtc_session` is fine either way.
      if (kind && (expression?.type === 'call' || kind === 'entry')) applyRoot(fn, kind);
    }
  }

  /** The function an argument hands over: a lambda, a name, or `functools.partial(f, ...)`. */
  private functionArgument(node: Node | undefined, scope: Scope): FunctionInfo | undefined {
    if (!node) return undefined;
    const arg = unparenthesize(node);
    if (arg.type === 'lambda') return this.ctx.file.functionsByNode.get(arg.id);
    if (arg.type === 'call') {
      const callee = arg.childForFieldName('function');
      const target = callee ? this.ctx.resolver.resolve(callee, scope) : null;
      if (this.ctx.resolver.qualifiedName(target) === 'functools.partial')
        return this.functionArgument(callArguments(arg).positional[0], scope);
      return undefined;
    }
    const resolved = this.ctx.resolver.resolve(arg, scope);
    return resolved?.kind === 'function' ? this.byId.get(resolved.functionId) : undefined;
  }

  private visitCall(item: Pending): void {
    const { node, scope, fn } = item;
    const calleeNode = node.childForFieldName('function');
    if (!calleeNode) return;
    // Arguments are read only when something needs them: marshalling every call's arguments
    // out of the wasm tree is a large share of the cost on long files.
    let parsedArgs: CallArguments | undefined;
    const args = (): CallArguments => (parsedArgs ??= callArguments(node));
    // Most callees are plain name chains (`time.sleep`, `self.load`): resolved from their text,
    // which costs one wasm call instead of several per segment.
    const chain = nameChain(calleeNode.text);
    const method = chain
      ? chain.length > 1
        ? chain[chain.length - 1]
        : undefined
      : calleeNode.type === 'attribute'
        ? calleeNode.childForFieldName('attribute')?.text
        : undefined;
    const registration = method === undefined ? undefined : CALLBACK_REGISTRATIONS[method];
    if (registration) {
      const target = this.functionArgument(args().positional[registration.index], scope);
      if (target) this.markRoot(target, registration.kind, item.node.startIndex);
    }
    if (this.mentionsEntryKeyword) {
      const entry = this.functionArgument(args().keywords.get(ENTRY_KEYWORD), scope);
      if (entry) this.markRoot(entry, 'entry', item.node.startIndex);
    }

    const resolved = chain
      ? this.ctx.resolver.resolveChain(chain, scope)
      : this.ctx.resolver.resolve(calleeNode, scope);
    if (!resolved) return;
    const callee = this.calleeOf(item, calleeNode, resolved, args);
    if (callee) fn.calls.push({ range: rangeOf(calleeNode), callee });
  }

  private calleeOf(call: Pending, calleeNode: Node, resolved: Resolved, args: () => CallArguments): Callee | null {
    const { scope, fn } = call;
    const qname = this.ctx.resolver.qualifiedName(resolved);
    if (qname !== null && pythonRulesByApi.has(qname)) {
      if (calleeNode.type === 'attribute' && lockAcquireApis.has(qname)) {
        const receiver = calleeNode.childForFieldName('object');
        if (receiver) this.lockSections.addAcquire(unparenthesize(receiver), scope, fn);
      }
      const rule = this.matchRule(qname, args, scope);
      if (!rule) return null;
      return { kind: 'blocking', code: rule.code, api: qname, fixes: this.fixesFor(rule, call, calleeNode, fn) };
    }
    if (resolved.kind === 'function') return { kind: 'local', functionId: resolved.functionId };
    if (resolved.kind === 'class') {
      const init = this.ctx.file.classes.get(resolved.classId)?.methods.get('__init__');
      return init ? { kind: 'local', functionId: init } : null;
    }
    const target = this.ctx.resolver.importTarget(resolved);
    if (!target || pythonExternalModules.has(target.module.split('.')[0] ?? target.module)) return null;
    return { kind: 'import', module: target.module, name: target.name };
  }

  private argumentMatches(condition: ArgCondition, args: () => CallArguments, scope: Scope): boolean {
    const value = argumentAt(args(), condition.position, condition.keyword);
    if (!value) return false;
    if ('isPath' in condition) return this.ctx.resolver.isPath(value, scope);
    const qname = this.ctx.resolver.qualifiedName(this.ctx.resolver.resolve(value, scope));
    return condition.equals.includes(qname ?? value.text);
  }

  private matchRule(qname: string, args: () => CallArguments, scope: Scope): PythonRule | null {
    for (const rule of pythonRulesByApi.get(qname) ?? []) {
      if (rule.onlyWhen?.apis.includes(qname) && !this.argumentMatches(rule.onlyWhen.arg, args, scope)) continue;
      if (rule.skipWhen?.some((c) => this.argumentMatches(c, args, scope))) return null;
      return rule;
    }
    return null;
  }

  private fixesFor(rule: PythonRule, call: Pending, calleeNode: Node, fn: FunctionInfo): FixSuggestion[] {
    const fix =
      rule.code === PYTHON_SLEEP_CODE
        ? sleepFix(call, calleeNode, fn, this.ctx)
        : rule.offloadFix
          ? offloadFix(call.node, call, calleeNode, fn, this.ctx)
          : null;
    return fix ? [fix] : [];
  }

  /** `with lock:` acquires a threading lock, blocking until it is free. */
  private visitWithItem({ node, scope, fn }: Pending): void {
    const value = node.childForFieldName('value');
    const target = value?.type === 'as_pattern' ? namedChildren(value)[0] : value;
    if (!target) return;
    const resolved = this.ctx.resolver.resolve(target, scope);
    if (resolved?.kind !== 'typed' || !pythonWithAcquireTypes.includes(resolved.type)) return;
    const api = `${resolved.type}.acquire`;
    const rule = pythonRulesByApi.get(api)?.[0];
    if (!rule) return;
    const site: CallSite = { range: rangeOf(target), callee: { kind: 'blocking', code: rule.code, api, fixes: [] } };
    fn.calls.push(site);
    this.lockSections.addWith(node, unparenthesize(target), scope, fn, site);
  }

  /** A `while` whose condition reads the clock and whose body never awaits spins the loop. */
  private visitWhile({ node, scope, fn }: Pending): void {
    const condition = node.childForFieldName('condition');
    const body = node.childForFieldName('body');
    if (!condition || !body || this.yieldsToLoop(body)) return;
    const clock = condition.descendantsOfType('call').find((call) => {
      const callee = call?.childForFieldName('function');
      const qname = callee ? this.ctx.resolver.qualifiedName(this.ctx.resolver.resolve(callee, scope)) : null;
      return qname !== null && BUSY_WAIT_CLOCKS.has(qname);
    });
    const clockCallee = clock?.childForFieldName('function');
    if (!clock || !clockCallee) return;
    const inBody = (line: number): boolean => line >= body.startPosition.row && line <= body.endPosition.row;
    if (fn.calls.some((c) => c.callee.kind === 'blocking' && inBody(c.range.start.line))) return;
    const api = this.ctx.resolver.qualifiedName(this.ctx.resolver.resolve(clockCallee, scope)) ?? clockCallee.text;
    fn.calls.push({
      range: rangeOf(clockCallee),
      callee: { kind: 'blocking', code: PYTHON_BUSY_WAIT_CODE, api, fixes: [] },
    });
  }

  /** An `await`, `async for` or `async with` of this function inside the loop body (nested
   *  defs and lambdas are skipped: their awaits do not yield for this loop). */
  private yieldsToLoop(body: Node): boolean {
    const cursor = body.walk();
    try {
      const search = (): boolean => {
        if (!cursor.gotoFirstChild()) return false;
        do {
          const type = cursor.nodeType;
          if (type === 'await' || type === 'async') return true;
          if (type !== 'function_definition' && type !== 'lambda' && search()) return true;
        } while (cursor.gotoNextSibling());
        cursor.gotoParent();
        return false;
      };
      return search();
    } finally {
      cursor.delete();
    }
  }
}
