// Pass 1 over a Python tree: functions (def, nested def, methods, lambdas), classes, and
// what each name is bound to in each scope (imports, defs, assignments, parameters).
// Calls, `with` items and `while` loops are queued with their scope for pass 2, which
// resolves them once every binding in the file is known.
import type { Node } from 'web-tree-sitter';
import type { SourceRange } from '../../analysis/summary';
import { shiftCalls } from '../shift';
import type { Binding, FileScopes, FunctionInfo, ReplayUnit, Scope } from './scopes';
import { countParseErrors, structureOf, type StructureNode } from './structure-query';
import { hasAsyncKeyword, namedChildren, rangeOf } from './syntax';
import { ReplayConflict, shiftedComments, shiftedFunction, type UnitPlan } from './unit-memo';

/** A stretch of the file whose names bind in one scope and whose calls belong to one function. */
interface Region {
  start: number;
  end: number;
  skip: boolean;
  scope: Scope;
  fn: FunctionInfo;
  prefix: string;
  classId: string | null;
}

const moduleId = '<module>';

/** Targets that unpack (`a, b = …`, `[x, *rest] = …`): each part is bound, to nothing known. */
const unpackingTargets = new Set([
  'pattern_list',
  'tuple_pattern',
  'list_pattern',
  'list_splat_pattern',
  'parenthesized_expression',
  'expression_list',
  'tuple',
  'list',
]);

function newScope(kind: Scope['kind'], parent: Scope | null): Scope {
  return { kind, bindings: new Map(), parent, nonBlocking: new Set() };
}

/** Bindings that hold syntax nodes are never "the same" (the nodes differ); the rest compare by value. */
function sameBinding(a: Binding, b: Binding): boolean {
  if (a.kind !== b.kind || a.kind === 'value' || a.kind === 'element' || a.kind === 'annotated') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function bind(scope: Scope, name: string, binding: Binding): void {
  const previous = scope.bindings.get(name);
  if (!previous || previous.kind === 'global') {
    if (previous?.kind === 'global') return; // assignments after `global x` bind the module's x
    scope.bindings.set(name, binding);
  } else if (previous.kind === 'value' && binding.kind === 'value') {
    previous.values.push(...binding.values);
  } else if (previous.kind === 'element' && binding.kind === 'element') {
    previous.iterables.push(...binding.iterables);
  } else if (previous.kind === 'function' && binding.kind === 'function') {
    scope.bindings.set(name, binding); // a redefinition replaces the earlier def
  } else if (!sameBinding(previous, binding)) {
    scope.bindings.set(name, { kind: 'opaque' }); // which one runs is not decidable here
  }
}

/** Names in a function resolve past enclosing class scopes (a method does not see its class's names). */
function functionScopeParent(scope: Scope): Scope | null {
  let s: Scope | null = scope;
  while (s && s.kind === 'class') s = s.parent;
  return s;
}

/** The class whose instance `name` is here (the first parameter of a method), or null. */
function selfClassOf(name: string, scope: Scope): string | null {
  for (let s: Scope | null = scope; s; s = s.parent) {
    const binding = s.bindings.get(name);
    if (binding) return binding.kind === 'self' ? binding.classId : null;
  }
  return null;
}

export class ScopeCollector {
  private readonly moduleScope = newScope('module', null);
  private readonly module: FunctionInfo;
  private readonly file: FileScopes;
  private readonly usedIds = new Set([moduleId]);
  /** Decorators of a definition, by the definition's node id, met on the decorated_definition before it. */
  private readonly decoratorsOf = new Map<number, Node[]>();
  /** Open regions, outermost first; the first is the whole module. */
  private readonly regions: Region[];

  /**
   * @param wantComments collect comments (callers pass false when the text cannot hold a
   *   suppression, which saves reading every comment through the wasm boundary)
   */
  constructor(
    private readonly root: Node,
    moduleRange: SourceRange,
    private readonly wantComments: boolean,
    private readonly plan: UnitPlan | null,
  ) {
    this.module = {
      id: moduleId,
      name: moduleId,
      node: null,
      range: moduleRange,
      isAsync: false,
      isLambda: false,
      loopRoot: null,
      scope: this.moduleScope,
      decorators: [],
      calls: [],
      memoised: false,
    };
    this.file = {
      module: this.module,
      moduleScope: this.moduleScope,
      functions: [this.module],
      functionsByNode: new Map(),
      classes: new Map(),
      importedModules: new Set(),
      pending: [],
      topLevelImports: [],
      comments: [],
      parseErrors: 0,
      moduleClassIds: new Set(),
      touchesSockets: /\.set(?:blocking|timeout)\b/.test(root.text),
      replayed: [],
      replayedMarks: [],
      replayedModuleCalls: [],
    };
    this.regions = [
      { start: 0, end: Infinity, skip: false, scope: this.moduleScope, fn: this.module, prefix: '', classId: null },
    ];
  }

  collect(): FileScopes {
    const { root, plan, file } = this;
    const parts = plan
      ? plan.fresh.map((range) => structureOf(root, this.wantComments, range))
      : [structureOf(root, this.wantComments)];
    const nodes = parts.length === 1 ? (parts[0]?.nodes ?? []) : parts.flatMap((p) => p.nodes);
    for (const part of parts) file.comments.push(...part.comments);
    if (root.hasError) file.parseErrors = countParseErrors(root);
    const replays = plan?.replay ?? [];
    let nextReplay = 0;
    for (const item of nodes) {
      while (nextReplay < replays.length && (replays[nextReplay] as ReplayUnit).startIndex <= item.startIndex)
        this.replay(replays[nextReplay++] as ReplayUnit);
      const region = this.regionAt(item.startIndex);
      if (!region.skip) this.visit(item, region);
    }
    while (nextReplay < replays.length) this.replay(replays[nextReplay++] as ReplayUnit);
    if (file.replayed.length > 0) file.comments.sort((a, b) => a.line - b.line || a.column - b.column);
    return file;
  }

  /**
   * Nodes come in document order, outer first, so the regions form a stack; a definition pushes
   * its parts at once (parameters, then body), so the innermost region holding the node is not
   * always the top one.
   */
  private regionAt(at: number): Region {
    const { regions } = this;
    while (regions.length > 1 && (regions[regions.length - 1] as Region).end <= at) regions.pop();
    let i = regions.length - 1;
    while ((regions[i] as Region).start > at || (regions[i] as Region).end <= at) i--;
    return regions[i] as Region;
  }

  /** Records what a structure node binds, defines or queues, in the region (scope) it sits in. */
  private visit({ node, type, position }: StructureNode, region: Region): void {
    const { scope, fn } = region;
    if (type === 'decorated_definition') {
      const definition = node.childForFieldName('definition');
      if (definition)
        this.decoratorsOf.set(
          definition.id,
          namedChildren(node).filter((c) => c.type === 'decorator'),
        );
    } else if (type === 'function_definition' || type === 'lambda') {
      this.visitFunction(node, type === 'lambda', region);
    } else if (type === 'class_definition') {
      this.visitClass(node, region);
    } else if (type === 'import_statement' || type === 'import_from_statement' || type === 'future_import_statement') {
      if (type !== 'future_import_statement') this.bindImport(node, scope);
      if (scope === this.moduleScope) this.file.topLevelImports.push(node);
    } else if (type === 'assignment') {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      if (left && right) {
        // `a = b = f()` nests assignments on the right; every target gets the innermost value.
        let value: Node | null = right;
        while (value?.type === 'assignment') value = value.childForFieldName('right');
        this.bindTargets(left, scope, value);
      }
    } else if (type === 'for_statement') {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      if (left?.type === 'identifier' && right) bind(scope, left.text, { kind: 'element', iterables: [right] });
      else if (left) this.bindTargets(left, scope, null);
    } else if (type === 'augmented_assignment') {
      const left = node.childForFieldName('left');
      if (left) this.bindTargets(left, scope, null);
    } else if (type === 'named_expression') {
      const name = node.childForFieldName('name');
      const value = node.childForFieldName('value');
      if (name) this.bindTargets(name, scope, value);
    } else if (type === 'as_pattern') {
      const alias = node.childForFieldName('alias');
      const target = alias ? namedChildren(alias)[0] : undefined;
      const value = namedChildren(node)[0];
      // `with X as v` gives v what X.__enter__ returns, taken as X's own type; `except E as e` gives nothing.
      if (target) this.bindTargets(target, scope, position === 'with-item' && value ? value : null);
    } else if (type === 'global_statement' && scope !== this.moduleScope) {
      // At module level `global x` changes nothing (and a module binding that points to itself would never resolve).
      for (const name of namedChildren(node))
        if (name.type === 'identifier') scope.bindings.set(name.text, { kind: 'global' });
    } else if (type === 'call') {
      this.file.pending.push({ kind: 'call', node, scope, fn, position });
      if (this.file.touchesSockets) this.noteNonBlocking(node, scope);
    } else if (type === 'with_item') {
      this.file.pending.push({ kind: 'with', node, scope, fn, position });
    } else if (type === 'while_statement') {
      this.file.pending.push({ kind: 'while', node, scope, fn, position });
    }
  }

  private visitFunction(node: Node, isLambda: boolean, region: Region): void {
    this.skipRegion(node, region);
    const params = node.childForFieldName('parameters');
    const created = this.addFunction(node, isLambda, params, region, this.decoratorsOf.get(node.id) ?? []);
    if (!created) return;
    // Defaults and annotations run where the def is (decorators sit before it); the body is the new scope.
    this.outerPart(params, region);
    this.openRegion(node.childForFieldName('body'), created.scope, created, `${created.id}.`, null);
  }

  private visitClass(node: Node, region: Region): void {
    const { scope, fn, prefix, classId } = region;
    this.skipRegion(node, region);
    const nameNode = node.childForFieldName('name');
    if (!nameNode) return;
    const id = this.uniqueId(`${prefix}${nameNode.text}`, node);
    this.file.classes.set(id, { id, methods: new Map(), attributes: new Map() });
    if (fn === this.module) this.file.moduleClassIds.add(id);
    if (scope.kind !== 'class' || !classId) bind(scope, nameNode.text, { kind: 'class', classId: id });
    this.outerPart(node.childForFieldName('superclasses'), region);
    this.openRegion(node.childForFieldName('body'), newScope('class', scope), fn, `${id}.`, id);
  }

  /** `sock.setblocking(False)` / `sock.settimeout(…)`: calls on `sock` here no longer block. */
  private noteNonBlocking(call: Node, scope: Scope): void {
    const callee = call.childForFieldName('function');
    if (callee?.type !== 'attribute') return;
    const receiver = callee.childForFieldName('object');
    const method = callee.childForFieldName('attribute')?.text;
    if (receiver?.type === 'identifier' && (method === 'setblocking' || method === 'settimeout'))
      scope.nonBlocking.add(receiver.text);
  }

  private uniqueId(wanted: string, node: Node): string {
    const id = this.usedIds.has(wanted)
      ? `${wanted}@${node.startPosition.row + 1}:${node.startPosition.column + 1}`
      : wanted;
    this.usedIds.add(id);
    return id;
  }

  private bindTargets(target: Node, scope: Scope, value: Node | null): void {
    if (target.type === 'identifier') {
      bind(scope, target.text, value ? { kind: 'value', values: [value] } : { kind: 'opaque' });
    } else if (target.type === 'attribute') {
      this.bindAttribute(target, scope, value);
    } else if (unpackingTargets.has(target.type)) {
      for (const part of namedChildren(target)) this.bindTargets(part, scope, null);
    }
  }

  /** `self.x = value` in a method: recorded on the class, or x made unknown when the value is. */
  private bindAttribute(target: Node, scope: Scope, value: Node | null): void {
    const object = target.childForFieldName('object');
    const attribute = target.childForFieldName('attribute');
    const classId = object?.type === 'identifier' && attribute ? selfClassOf(object.text, scope) : null;
    const attributes = classId ? this.file.classes.get(classId)?.attributes : undefined;
    if (!attributes || !attribute) return;
    const known = attributes.get(attribute.text);
    if (known === null) return;
    attributes.set(attribute.text, value ? [...(known ?? []), { value, scope }] : null);
  }

  private bindParameters(params: Node | null, scope: Scope, selfClass: string | null): void {
    if (!params) return;
    let first = true;
    for (const param of namedChildren(params)) {
      const type = param.type; // each read is a trip into wasm
      const inner =
        type === 'identifier'
          ? null
          : (param.childForFieldName('name') ?? namedChildren(param).find((c) => c.type === 'identifier') ?? null);
      const nameNode = type === 'identifier' ? param : inner?.type === 'identifier' ? inner : null;
      if (!nameNode) continue;
      const annotation =
        type === 'typed_parameter' || type === 'typed_default_parameter' ? param.childForFieldName('type') : null;
      if (first && selfClass && type !== 'list_splat_pattern' && type !== 'dictionary_splat_pattern') {
        bind(scope, nameNode.text, { kind: 'self', classId: selfClass });
      } else if (annotation) {
        bind(scope, nameNode.text, { kind: 'annotated', annotation });
      } else {
        bind(scope, nameNode.text, { kind: 'opaque' });
      }
      first = false;
    }
  }

  private addFunction(
    node: Node,
    isLambda: boolean,
    params: Node | null,
    region: Region,
    decorators: Node[],
  ): FunctionInfo | null {
    const { scope, prefix, classId } = region;
    const nameNode = isLambda ? null : node.childForFieldName('name');
    if (!isLambda && !nameNode) return null;
    const name = nameNode ? nameNode.text : '<lambda>';
    // Methods show as `Store.load` in chains; the class id's last segment, without a `@line` suffix.
    const className = classId?.split('.').pop()?.replace(/@.*$/, '');
    const fnScope = newScope('function', functionScopeParent(scope));
    const isStatic = decorators.some((d) => /^@\s*staticmethod\b/.test(d.text));
    const fn: FunctionInfo = {
      id: this.uniqueId(`${prefix}${name}`, node),
      name: className && scope.kind === 'class' ? `${className}.${name}` : name,
      node,
      range: rangeOf(nameNode ?? node.child(0) ?? node),
      isAsync: !isLambda && hasAsyncKeyword(node),
      isLambda,
      loopRoot: null,
      scope: fnScope,
      decorators,
      calls: [],
      memoised: false,
    };
    this.file.functions.push(fn);
    this.file.functionsByNode.set(node.id, fn);
    this.bindParameters(params, fnScope, classId && !isStatic ? classId : null);
    if (nameNode) {
      if (scope.kind === 'class' && classId) this.file.classes.get(classId)?.methods.set(name, fn.id);
      else bind(scope, name, { kind: 'function', functionId: fn.id });
    }
    return fn;
  }

  private bindImport(node: Node, scope: Scope): void {
    const { importedModules } = this.file;
    if (node.type === 'import_statement') {
      for (const item of namedChildren(node)) {
        if (item.type === 'dotted_name') {
          importedModules.add(item.text);
          const head = item.text.split('.')[0] ?? item.text;
          bind(scope, head, { kind: 'module', module: head });
        } else if (item.type === 'aliased_import') {
          const name = item.childForFieldName('name');
          const alias = item.childForFieldName('alias');
          if (!name || !alias) continue;
          importedModules.add(name.text);
          bind(scope, alias.text, { kind: 'module', module: name.text });
        }
      }
      return;
    }
    const moduleNode = node.childForFieldName('module_name');
    if (!moduleNode) return;
    const module = moduleNode.text.replace(/\s+/g, '');
    importedModules.add(module);
    for (const item of node.childrenForFieldName('name')) {
      if (item.type === 'dotted_name') {
        bind(scope, item.text, { kind: 'from', module, name: item.text });
      } else if (item.type === 'aliased_import') {
        const name = item.childForFieldName('name');
        const alias = item.childForFieldName('alias');
        if (name && alias) bind(scope, alias.text, { kind: 'from', module, name: name.text });
      }
    }
  }

  private openRegion(node: Node | null, scope: Scope, fn: FunctionInfo, prefix: string, classId: string | null): void {
    if (node)
      this.regions.push({ start: node.startIndex, end: node.endIndex, skip: false, scope, fn, prefix, classId });
  }

  /** Only some parts of a definition are analysed (and none of one without a name): the rest is skipped. */
  private skipRegion(node: Node, region: Region): void {
    this.regions.push({ ...region, start: node.startIndex, end: node.endIndex, skip: true });
  }

  /** A part of a definition that runs where the definition is: parameters' defaults and annotations, base classes. */
  private outerPart(node: Node | null, region: Region): void {
    if (node) this.regions.push({ ...region, start: node.startIndex, end: node.endIndex, skip: false });
  }

  /** A memo hit: bind the def's name and bring its functions back, moved to where the def now starts. */
  private replay(unit: ReplayUnit): void {
    const { record } = unit;
    const { file } = this;
    const rows = unit.startRow - record.startRow;
    for (const memo of record.functions) {
      if (this.usedIds.has(memo.id)) throw new ReplayConflict(`${memo.id} is defined twice`);
      this.usedIds.add(memo.id);
      const moved = shiftedFunction(memo, rows, record);
      file.functions.push({
        id: moved.id,
        name: moved.name,
        node: null,
        range: moved.range,
        isAsync: moved.isAsync,
        isLambda: moved.isLambda,
        loopRoot: moved.intrinsicRoot,
        scope: newScope('function', this.moduleScope),
        decorators: [],
        calls: moved.calls,
        memoised: moved.memoised,
      });
    }
    bind(this.moduleScope, record.name, { kind: 'function', functionId: record.functionId });
    file.replayed.push(unit);
    file.replayedMarks.push(...record.marks.map((m) => ({ ...m, at: m.at + unit.startIndex })));
    file.replayedModuleCalls.push(...shiftCalls(record.moduleCalls, rows, record));
    file.comments.push(...shiftedComments(record.comments, rows));
  }
}
