// One walk over a parsed file that builds its FileSummary: every function with why the loop
// runs it, and the calls in it that block (catalogue hits), go to a function of this file, or
// go to an imported name. Callbacks handed to an ordinary call (`items.map(x => …)`,
// `new Promise(executor)`, an IIFE) run as part of their caller, so their calls are the
// caller's; callbacks handed to the loop (listeners, timers, `.then`) are loop roots of their own.
// `import =` keeps the compiler's own exports object: a default import goes through the
// bundler's CommonJS interop, which turns every `ts.X` (run per node) into a getter call.
import ts = require('typescript');
import type { CallSite, FileSummary, FrontEndOptions, FunctionSummary, LoopRootKind } from '../../analysis/summary';
import {
  JAVASCRIPT_BUSY_WAIT_CODE,
  JAVASCRIPT_REQUIRE_CODE,
  blockingCallRule,
  clockApis,
} from '../../rules/javascript';
import { type Binding, DeclarationCollector, MethodTables, ScopeStack } from './bindings';
import { type LoopStatement, findBusyWait } from './busy-wait';
import { type Target, accessChain, resolveConstructor, resolveTarget, unwrapBind } from './callee';
import { ExportCollector } from './exports';
import { type PromiseApiNames, fsPromiseFixes, promiseApiNames } from './fs-promise-fix';
import { type FunctionLike, FunctionIds, displayName, headerRange, isGenerator } from './function-ids';
import {
  agentParts,
  constructedBinding,
  isDefineAgent,
  isPoolOffload,
  isProcessExitListener,
  isWorkerConstructor,
  leavesArgumentsUncalled,
  scheduledArguments,
} from './loop-roots';
import {
  hasModifier,
  isFunctionValue,
  isNodeBuiltin,
  literalText,
  nodeRange,
  parseErrorCount,
  rangeOf,
  unwrapExpression,
} from './source-text';
import { type Registration, Registrations, type Role } from './registrations';
import {
  type StatementMemo,
  type StatementProducts,
  contextKeyOf,
  copiedFunctions,
  walkWithMemo,
} from './statement-memo';
import { findSuppressions } from './suppressions';

interface Frame {
  /** Receives the calls made here. */
  summary: FunctionSummary;
  /** The innermost function in the text (where `await` legality is decided); undefined at top level. */
  lexical: FunctionLike | undefined;
  /** Methods reachable as `this.m()` here. */
  thisMethods: ReadonlyMap<string, string> | undefined;
}

const moduleId = '<module>';
const { SyntaxKind, forEachChild } = ts;

/**
 * The file is parsed without parent pointers (that costs the parser a second full pass), and the
 * walk links each node it visits to its parent. Only visited nodes are read through `parent`:
 * function names, `this` owners and the quick fix's precedence check.
 */
function setParent(node: ts.Node, parent: ts.Node): void {
  (node as { parent: ts.Node }).parent = parent;
}

export class FileAnalyzer {
  private readonly ids: FunctionIds;
  private readonly scopes = new ScopeStack();
  private readonly declarations: DeclarationCollector;
  private readonly functions: FunctionSummary[] = [];
  private readonly roles = new Map<ts.Node, Role>();
  /** Loop roots learnt from a reference (`room.on('x', handler)`), applied after the walk. */
  private readonly registrations = new Registrations();
  private readonly methodTables: MethodTables;
  private readonly importInsertAt: number | undefined;
  private readonly moduleSummary: FunctionSummary;
  private memoForNextEdit: StatementMemo | null = null;
  private frame: Frame;
  /** The walk sets `parent` itself (see setParent), one pass instead of the parser's extra one. */
  private parentForChildren: ts.Node;
  private promiseApi: PromiseApiNames = { named: new Map(), prefixes: [] };

  /** @param memoing null for a file analysed once; else the memo of its last analysis, if any */
  constructor(
    private readonly file: ts.SourceFile,
    private readonly options: FrontEndOptions,
    private readonly memoing: { previous: StatementMemo | null } | null = null,
  ) {
    this.ids = new FunctionIds(file);
    this.methodTables = new MethodTables(this.ids);
    this.declarations = new DeclarationCollector(this.ids, this.scopes, (init) =>
      constructedBinding(init, this.resolve(init.expression)),
    );
    const moduleSummary: FunctionSummary = {
      id: moduleId,
      name: moduleId,
      range: rangeOf(file, 0, 0),
      loopRoot: options.moduleLevelIsLoop ? 'module' : null,
      isAsync: false,
      calls: [],
    };
    this.functions.push(moduleSummary);
    this.moduleSummary = moduleSummary;
    this.frame = { summary: moduleSummary, lexical: undefined, thisMethods: undefined };
    this.parentForChildren = file;
    const lastImport = [...file.statements].reverse().find(ts.isImportDeclaration);
    this.importInsertAt = lastImport?.getEnd();
  }

  analyze(path: string, language: FileSummary['language']): FileSummary {
    // Pushed before it is filled, so later declarations resolve against earlier ones (`new Piscina`).
    const moduleScope = new Map<string, Binding>();
    this.scopes.push(moduleScope);
    this.declarations.functionBody(this.file.statements, moduleScope);
    this.promiseApi = promiseApiNames(moduleScope);
    if (this.memoing === null || !this.ids.inTextOrder)
      for (const statement of this.file.statements) this.visit(statement);
    else this.visitWithMemo(moduleScope, this.memoing.previous);
    const exports = new ExportCollector(this.ids, moduleScope);
    for (const statement of this.file.statements) exports.statement(statement);
    this.scopes.pop();
    this.registrations.applyTo(this.functions);
    return {
      path,
      language,
      functions: this.functions,
      exports: exports.exports,
      reexports: exports.reexports,
      suppressions: findSuppressions(this.file),
      parseErrors: parseErrorCount(this.file),
    };
  }

  /** The memo this analysis leaves for the next edit (null when not memoing). */
  nextMemo(): StatementMemo | null {
    return this.memoForNextEdit;
  }

  /** Replays each statement the previous analysis recorded unchanged, walks (and records) the rest. */
  private visitWithMemo(moduleScope: ReadonlyMap<string, Binding>, previous: StatementMemo | null): void {
    const importAt =
      this.importInsertAt === undefined ? undefined : this.file.getLineAndCharacterOfPosition(this.importInsertAt);
    const contextKey = contextKeyOf(moduleScope, importAt, this.options.moduleLevelIsLoop);
    this.memoForNextEdit = walkWithMemo(this.file, this.ids, contextKey, previous, {
      walk: (statement) => this.visitRecorded(statement),
      add: (products) => {
        this.functions.push(...products.functions);
        this.moduleSummary.calls.push(...products.moduleCalls);
        for (const [id, role] of products.registrations) this.registrations.register(id, role);
      },
    });
  }

  private visitRecorded(statement: ts.Statement): StatementProducts {
    const functionsBefore = this.functions.length;
    const callsBefore = this.moduleSummary.calls.length;
    const registrations: Registration[] = [];
    this.registrations.log = registrations;
    this.visit(statement);
    this.registrations.log = undefined;
    return {
      functions: copiedFunctions(this.functions.slice(functionsBefore)),
      moduleCalls: this.moduleSummary.calls.slice(callsBefore),
      registrations,
    };
  }

  private resolve(expression: ts.Expression): Target | undefined {
    return resolveTarget(expression, this.scopes, this.frame.thisMethods);
  }

  // A switch on kind rather than a chain of ts.isX calls: this runs for every node of the file.
  private readonly visit = (node: ts.Node): void => {
    setParent(node, this.parentForChildren);
    let opensScope = false;
    switch (node.kind) {
      case SyntaxKind.FunctionDeclaration:
      case SyntaxKind.FunctionExpression:
      case SyntaxKind.ArrowFunction:
      case SyntaxKind.MethodDeclaration:
      case SyntaxKind.Constructor:
      case SyntaxKind.GetAccessor:
      case SyntaxKind.SetAccessor:
        this.visitFunction(node as FunctionLike);
        return;
      case SyntaxKind.ClassDeclaration:
      case SyntaxKind.ClassExpression:
        this.visitClass(node as ts.ClassLikeDeclaration);
        return;
      // Nothing to find in types and import/export declarations.
      case SyntaxKind.InterfaceDeclaration:
      case SyntaxKind.TypeAliasDeclaration:
      case SyntaxKind.ImportDeclaration:
      case SyntaxKind.ImportEqualsDeclaration:
      case SyntaxKind.TypeReference:
      case SyntaxKind.TypeLiteral:
      case SyntaxKind.UnionType:
        return;
      case SyntaxKind.CallExpression:
        this.onCall(node as ts.CallExpression);
        break;
      case SyntaxKind.NewExpression:
        this.onNew(node as ts.NewExpression);
        break;
      case SyntaxKind.WhileStatement:
      case SyntaxKind.DoStatement:
        this.onLoop(node as LoopStatement);
        break;
      case SyntaxKind.ForStatement:
        this.onLoop(node as LoopStatement);
        opensScope = true;
        break;
      case SyntaxKind.Block:
      case SyntaxKind.ModuleBlock:
      case SyntaxKind.CaseBlock:
      case SyntaxKind.ForInStatement:
      case SyntaxKind.ForOfStatement:
      case SyntaxKind.CatchClause:
        opensScope = true;
        break;
    }
    if (opensScope) {
      const scope = new Map<string, Binding>();
      this.scopes.push(scope);
      this.declareIn(node, scope);
    }
    const saved = this.parentForChildren;
    this.parentForChildren = node;
    forEachChild(node, this.visit);
    this.parentForChildren = saved;
    if (opensScope) this.scopes.pop();
  };

  private visitUnder(parent: ts.Node, child: ts.Node): void {
    const saved = this.parentForChildren;
    this.parentForChildren = parent;
    this.visit(child);
    this.parentForChildren = saved;
  }

  /** Names a block-like node declares for its own extent. */
  private declareIn(node: ts.Node, scope: Map<string, Binding>): void {
    if (ts.isBlock(node) || ts.isModuleBlock(node)) this.declarations.statements(node.statements, scope);
    else if (ts.isCaseBlock(node))
      this.declarations.statements(
        node.clauses.flatMap((clause) => [...clause.statements]),
        scope,
      );
    else if (ts.isForStatement(node) || ts.isForInStatement(node) || ts.isForOfStatement(node)) {
      if (node.initializer !== undefined && ts.isVariableDeclarationList(node.initializer))
        this.declarations.variableList(node.initializer, scope);
    } else if (ts.isCatchClause(node) && node.variableDeclaration !== undefined) {
      this.declarations.bindingName(node.variableDeclaration.name, scope);
    }
  }

  private visitFunction(node: FunctionLike): void {
    const role = this.roles.get(node);
    const isAsync = hasModifier(node, ts.SyntaxKind.AsyncKeyword);
    const runsInline = role?.kind === 'inline' && !isAsync && !isGenerator(node);
    const summary = runsInline ? this.frame.summary : this.newFunction(node, role, isAsync);
    const saved = this.frame;
    this.frame = {
      summary,
      lexical: node,
      thisMethods: ts.isArrowFunction(node) ? saved.thisMethods : this.thisMethodsOf(node),
    };
    const scope = new Map<string, Binding>();
    this.declarations.parameters(node.parameters, scope);
    if (ts.isFunctionExpression(node) && node.name !== undefined)
      scope.set(node.name.text, { kind: 'function', id: this.ids.idOf(node) });
    const body = node.body;
    this.scopes.push(scope);
    if (body !== undefined && ts.isBlock(body)) this.declarations.functionBody(body.statements, scope);
    for (const parameter of node.parameters) this.visitUnder(node, parameter);
    if (body !== undefined && ts.isBlock(body)) {
      setParent(body, node);
      for (const statement of body.statements) this.visitUnder(body, statement);
    } else if (body !== undefined) this.visitUnder(node, body);
    this.scopes.pop();
    this.frame = saved;
  }

  private newFunction(node: FunctionLike, role: Role | undefined, isAsync: boolean): FunctionSummary {
    const header = headerRange(this.file, node);
    const loopRoot = role?.kind === 'root' ? role.root : role?.kind === 'off-loop' ? null : isAsync ? 'async' : null;
    const summary: FunctionSummary = {
      id: this.ids.idOf(node),
      name: displayName(node),
      range: rangeOf(this.file, header.pos, header.end),
      loopRoot,
      isAsync,
      calls: [],
    };
    this.functions.push(summary);
    return summary;
  }

  /** `this` in a method is its object or class instance (or the class, for static members). */
  private thisMethodsOf(node: FunctionLike): ReadonlyMap<string, string> | undefined {
    let owner = node.parent;
    if (ts.isPropertyAssignment(owner)) owner = owner.parent;
    if (ts.isObjectLiteralExpression(owner)) return this.methodTables.of(owner, false);
    if (ts.isClassLike(owner)) return this.methodTables.of(owner, hasModifier(node, ts.SyntaxKind.StaticKeyword));
    return undefined;
  }

  private visitClass(node: ts.ClassLikeDeclaration): void {
    for (const member of node.members) {
      if (ts.isPropertyDeclaration(member) && member.initializer !== undefined) {
        // Field initializers (and arrow functions in them) see the instance, or the class if static.
        const saved = this.frame;
        this.frame = {
          ...saved,
          thisMethods: this.methodTables.of(node, hasModifier(member, ts.SyntaxKind.StaticKeyword)),
        };
        setParent(member, node);
        this.visitUnder(member, member.initializer);
        this.frame = saved;
      } else this.visitUnder(node, member);
    }
    for (const clause of node.heritageClauses ?? []) this.visitUnder(node, clause);
  }

  /** `value` is a function expression or method (gets the role when visited) or a reference to a local function. */
  private assignRole(value: ts.Node, role: Role): void {
    if (ts.isExpression(value)) value = unwrapBind(value);
    if (isFunctionValue(value) || ts.isMethodDeclaration(value)) {
      this.roles.set(value, role);
      return;
    }
    if (!ts.isExpression(value)) return;
    const target = this.resolve(value);
    if (target?.kind === 'local') this.registrations.register(target.id, role);
    else if (target?.kind === 'import' && role.kind === 'root') this.importedRoot(value, target, role.root);
  }

  /**
   * The loop will run a function of another file (`room.on('x', onTrack)` with `onTrack`
   * imported). The summary has no way to mark another file's function as a root, so a small
   * root stands in for the registration: it calls the import, and the core follows it from there.
   */
  private importedRoot(
    reference: ts.Expression,
    target: Extract<Target, { kind: 'import' }>,
    root: LoopRootKind,
  ): void {
    const range = nodeRange(this.file, reference);
    this.functions.push({
      id: `ref@${this.ids.positionKey(reference.getStart(this.file))}`,
      name: `${root} ${reference.getText(this.file)}`,
      range,
      loopRoot: root,
      isAsync: false,
      calls: [{ range, callee: { kind: 'import', module: target.module, name: target.name } }],
    });
  }

  private addCall(range: ts.Node, callee: CallSite['callee']): void {
    this.frame.summary.calls.push({ range: nodeRange(this.file, range), callee });
  }

  /** Arguments of an ordinary call: function values run inline, local function references are called. */
  private passedToCall(args: readonly ts.Expression[] | undefined): void {
    for (const argument of args ?? []) {
      const value = unwrapBind(argument);
      if (isFunctionValue(value)) this.roles.set(value, { kind: 'inline' });
      else if (ts.isIdentifier(value) || ts.isPropertyAccessExpression(value)) {
        const target = this.resolve(value);
        if (target?.kind === 'local') this.addCall(value, { kind: 'local', functionId: target.id });
      }
    }
  }

  private onCall(call: ts.CallExpression): void {
    const callee = unwrapExpression(call.expression);
    if (isFunctionValue(callee)) this.roles.set(callee, { kind: 'inline' });
    const target = this.resolve(call.expression);
    this.assignArgumentRoles(call, target);
    if (target !== undefined) this.classifyCall(call, target);
  }

  /** Who runs the functions handed to this call: the loop later, a worker, start-up, or the callee now. */
  private assignArgumentRoles(call: ts.CallExpression, target: Target | undefined): void {
    if (isProcessExitListener(call, target) || isPoolOffload(target)) {
      for (const argument of call.arguments) this.assignRole(argument, { kind: 'off-loop' });
      return;
    }
    if (isDefineAgent(target)) {
      const parts = agentParts(call);
      if (parts.entry !== undefined) this.assignRole(parts.entry, { kind: 'root', root: 'entry' });
      if (parts.prewarm !== undefined) this.assignRole(parts.prewarm, { kind: 'off-loop' });
      return;
    }
    const scheduled = scheduledArguments(call, target);
    for (const { argument, kind } of scheduled) this.assignRole(argument, { kind: 'root', root: kind });
    if (scheduled.length === 0 && !leavesArgumentsUncalled(call, target)) this.passedToCall(call.arguments);
  }

  private classifyCall(call: ts.CallExpression, target: Target): void {
    if (target.kind === 'local' || target.kind === 'import') {
      this.addCall(call.expression, target.kind === 'local' ? { kind: 'local', functionId: target.id } : target);
      return;
    }
    if (target.kind !== 'api') return;
    if (target.api === 'require') {
      // At top level a require is module loading itself; in a function it is a sync load on
      // first call. Node's own modules are already in memory, so requiring them is cheap.
      const specifier = literalText(call.arguments[0]);
      const loadsFile = specifier === undefined || !isNodeBuiltin(specifier);
      if (loadsFile && this.frame.summary.id !== moduleId)
        this.addCall(call.expression, { kind: 'blocking', code: JAVASCRIPT_REQUIRE_CODE, api: 'require', fixes: [] });
      return;
    }
    const rule = blockingCallRule(target.api);
    if (rule === undefined) return;
    this.addCall(call.expression, {
      kind: 'blocking',
      code: rule.code,
      api: target.api,
      fixes: this.fixesFor(call, target.api),
    });
  }

  private fixesFor(call: ts.CallExpression, api: string): ReturnType<typeof fsPromiseFixes> {
    if (!api.startsWith('fs.')) return [];
    const chain = accessChain(call.expression);
    const syncName = api.slice('fs.'.length);
    const form = chain.path.length === 0 ? 'named' : chain.path.length === 1 ? 'member' : undefined;
    if (form === undefined) return [];
    const lexical = this.frame.lexical;
    return fsPromiseFixes({
      file: this.file,
      call,
      syncName,
      form,
      // In the body only: `await` is not allowed in parameter defaults, even of an async function.
      inAsyncFunction:
        lexical?.body !== undefined &&
        hasModifier(lexical, ts.SyntaxKind.AsyncKeyword) &&
        call.getStart(this.file) >= lexical.body.getStart(this.file),
      scopes: this.scopes,
      promiseApi: this.promiseApi,
      importInsertAt: this.importInsertAt,
    });
  }

  private onNew(expression: ts.NewExpression): void {
    const target = this.resolve(expression.expression);
    if (isWorkerConstructor(target)) {
      for (const argument of expression.arguments ?? []) this.assignRole(argument, { kind: 'off-loop' });
      return;
    }
    // `new Promise(executor)` runs the executor now; other constructors are treated the same way.
    this.passedToCall(expression.arguments);
    const constructorId = resolveConstructor(expression.expression, this.scopes);
    if (constructorId !== undefined) this.addCall(expression.expression, { kind: 'local', functionId: constructorId });
  }

  private onLoop(loop: LoopStatement): void {
    const busy = findBusyWait(loop, (call) => {
      const target = this.resolve(call.expression);
      return target?.kind === 'api' && clockApis.has(target.api) ? target.api : undefined;
    });
    if (busy !== undefined) {
      const read = busy.api === 'Date' ? 'new Date()' : `${busy.api}()`;
      this.addCall(busy.check, {
        kind: 'blocking',
        code: JAVASCRIPT_BUSY_WAIT_CODE,
        api: `busy-wait on ${read}`,
        fixes: [],
      });
    }
  }
}
