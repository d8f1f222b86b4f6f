// Pass 1 over a Python tree: functions (def, nested def, methods, lambdas), classes, and
// what each name is bound to in each scope (imports, defs, assignments, parameters).
// Calls, `with` items and `while` loops are queued with their scope for pass 2, which
// resolves them once every binding in the file is known.
import type { Node } from 'web-tree-sitter';
import type { CallSite, LoopRootKind, SourceRange } from '../../analysis/summary';
import { shiftCalls } from '../shift';
import { countParseErrors, structureOf, type Position, type StructureNode } from './structure-query';
import { hasAsyncKeyword, namedChildren, rangeOf } from './syntax';
import {
  ReplayConflict,
  shiftedComments,
  shiftedFunction,
  type ReplayUnit,
  type RootMark,
  type UnitPlan,
} from './unit-memo';

export type Binding =
  /** `import a.b as c` binds c to module a.b; `import a.b` binds a to module a. */
  | { kind: 'module'; module: string }
  /** `from m import n as a` binds a to m.n (m may be relative: `.helpers`). */
  | { kind: 'from'; module: string; name: string }
  | { kind: 'function'; functionId: string }
  | { kind: 'class'; classId: string }
  /** First parameter of a method: `self.m()` is a call to the class's own method. */
  | { kind: 'self'; classId: string }
  /** Assignments and `with ... as` targets; a type is inferred from these values on demand. */
  | { kind: 'value'; values: Node[] }
  /** `global x`: look the name up in the module scope. */
  | { kind: 'global' }
  /** Parameters, loop targets, conflicting bindings: nothing is known. */
  | { kind: 'opaque' };

export interface Scope {
  kind: 'module' | 'function' | 'class';
  bindings: Map<string, Binding>;
  /** The scope names are looked up in next (class scopes are skipped by nested functions). */
  parent: Scope | null;
  /** Names whose object was switched to non-blocking mode here (`sock.setblocking(False)`). */
  nonBlocking: Set<string>;
}

export interface FunctionInfo {
  id: string;
  name: string;
  node: Node | null;
  range: SourceRange;
  isAsync: boolean;
  isLambda: boolean;
  loopRoot: LoopRootKind | null;
  scope: Scope;
  decorators: Node[];
  calls: CallSite[];
}

export interface ClassInfo {
  id: string;
  methods: Map<string, string>;
  /** `self.x = value` anywhere in the class's methods; null once x is assigned something unknown. */
  attributes: Map<string, { value: Node; scope: Scope }[] | null>;
}

/** Work queued for pass 2, with the scope its names resolve in and the function it runs in. */
export interface Pending {
  kind: 'call' | 'with' | 'while';
  node: Node;
  scope: Scope;
  fn: FunctionInfo;
  /** Where the node sits (see structure-query.ts). Recorded up front because Node.parent
   *  re-walks from the root (quadratic on long files). */
  position: Position;
}

export interface FileScopes {
  module: FunctionInfo;
  moduleScope: Scope;
  functions: FunctionInfo[];
  functionsByNode: Map<number, FunctionInfo>;
  classes: Map<string, ClassInfo>;
  /** Every module named in an import statement (`a.b` for `import a.b`). */
  importedModules: Set<string>;
  pending: Pending[];
  /** Top-level import statements, for placing an added `import asyncio`. */
  topLevelImports: Node[];
  comments: SourceComment[];
  parseErrors: number;
  /** Classes defined at module level (not inside a function): part of what every def can see. */
  moduleClassIds: Set<string>;
  /** The text mentions `.setblocking`/`.settimeout`: pass 1 then tracks non-blocking sockets. */
  touchesSockets: boolean;
  /** Top-level defs taken from the memo (see unit-memo.ts). */
  replayed: ReplayUnit[];
  /** Loop roots the replayed defs' calls mark, and the module-level calls they make (decorators, defaults). */
  replayedMarks: RootMark[];
  replayedModuleCalls: CallSite[];
}

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

function newScope(kind: Scope['kind'], parent: Scope | null): Scope {
  return { kind, bindings: new Map(), parent, nonBlocking: new Set() };
}

function sameBinding(a: Binding, b: Binding): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function bind(scope: Scope, name: string, binding: Binding): void {
  const previous = scope.bindings.get(name);
  if (!previous || previous.kind === 'global') {
    if (previous?.kind === 'global') return; // assignments after `global x` bind the module's x
    scope.bindings.set(name, binding);
  } else if (previous.kind === 'value' && binding.kind === 'value') {
    previous.values.push(...binding.values);
  } else if (previous.kind === 'function' && binding.kind === 'function') {
    scope.bindings.set(name, binding); // a redefinition replaces the earlier def
  } else if (!sameBinding(previous, binding)) {
    scope.bindings.set(name, { kind: 'opaque' }); // which one runs is not decidable here
  }
}

export interface SourceComment {
  line: number;
  column: number;
  text: string;
}

/**
 * @param wantComments collect comments (callers pass false when the text cannot hold a
 *   suppression, which saves reading every comment through the wasm boundary)
 */
export function collectScopes(
  root: Node,
  moduleRange: SourceRange,
  wantComments: boolean,
  plan: UnitPlan | null = null,
): FileScopes {
  const touchesSockets = /\.set(?:blocking|timeout)\b/.test(root.text);
  const moduleScope = newScope('module', null);
  const module: FunctionInfo = {
    id: '<module>',
    name: '<module>',
    node: null,
    range: moduleRange,
    isAsync: false,
    isLambda: false,
    loopRoot: null,
    scope: moduleScope,
    decorators: [],
    calls: [],
  };
  const file: FileScopes = {
    module,
    moduleScope,
    functions: [module],
    functionsByNode: new Map(),
    classes: new Map(),
    importedModules: new Set(),
    pending: [],
    topLevelImports: [],
    comments: [],
    parseErrors: 0,
    moduleClassIds: new Set(),
    touchesSockets,
    replayed: [],
    replayedMarks: [],
    replayedModuleCalls: [],
  };
  const usedIds = new Set(['<module>']);
  const uniqueId = (wanted: string, node: Node): string => {
    const id = usedIds.has(wanted)
      ? `${wanted}@${node.startPosition.row + 1}:${node.startPosition.column + 1}`
      : wanted;
    usedIds.add(id);
    return id;
  };

  const functionScopeParent = (scope: Scope): Scope | null => {
    let s: Scope | null = scope;
    while (s && s.kind === 'class') s = s.parent;
    return s;
  };

  const selfClassOf = (name: string, scope: Scope): string | null => {
    for (let s: Scope | null = scope; s; s = s.parent) {
      const binding = s.bindings.get(name);
      if (binding) return binding.kind === 'self' ? binding.classId : null;
    }
    return null;
  };

  const bindTargets = (target: Node, scope: Scope, value: Node | null): void => {
    if (target.type === 'identifier') {
      bind(scope, target.text, value ? { kind: 'value', values: [value] } : { kind: 'opaque' });
      return;
    }
    if (target.type === 'attribute') {
      const object = target.childForFieldName('object');
      const attribute = target.childForFieldName('attribute');
      const classId = object?.type === 'identifier' && attribute ? selfClassOf(object.text, scope) : null;
      const attributes = classId ? file.classes.get(classId)?.attributes : undefined;
      if (!attributes || !attribute) return;
      const known = attributes.get(attribute.text);
      if (known === null) return;
      attributes.set(attribute.text, value ? [...(known ?? []), { value, scope }] : null);
      return;
    }
    if (
      [
        'pattern_list',
        'tuple_pattern',
        'list_pattern',
        'list_splat_pattern',
        'parenthesized_expression',
        'expression_list',
        'tuple',
        'list',
      ].includes(target.type)
    ) {
      for (const part of namedChildren(target)) bindTargets(part, scope, null);
    }
  };

  const bindParameters = (params: Node | null, scope: Scope, selfClass: string | null): void => {
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
      if (first && selfClass && type !== 'list_splat_pattern' && type !== 'dictionary_splat_pattern') {
        bind(scope, nameNode.text, { kind: 'self', classId: selfClass });
      } else {
        bind(scope, nameNode.text, { kind: 'opaque' });
      }
      first = false;
    }
  };

  const addFunction = (
    node: Node,
    isLambda: boolean,
    params: Node | null,
    scope: Scope,
    prefix: string,
    classId: string | null,
    decorators: Node[],
  ): FunctionInfo | null => {
    const nameNode = isLambda ? null : node.childForFieldName('name');
    if (!isLambda && !nameNode) return null;
    const name = nameNode ? nameNode.text : '<lambda>';
    // Methods show as `Store.load` in chains; the class id's last segment, without a `@line` suffix.
    const className = classId?.split('.').pop()?.replace(/@.*$/, '');
    const fnScope = newScope('function', functionScopeParent(scope));
    const isStatic = decorators.some((d) => /^@\s*staticmethod\b/.test(d.text));
    const fn: FunctionInfo = {
      id: uniqueId(`${prefix}${name}`, node),
      name: className && scope.kind === 'class' ? `${className}.${name}` : name,
      node,
      range: rangeOf(nameNode ?? node.child(0) ?? node),
      isAsync: !isLambda && hasAsyncKeyword(node),
      isLambda,
      loopRoot: null,
      scope: fnScope,
      decorators,
      calls: [],
    };
    file.functions.push(fn);
    file.functionsByNode.set(node.id, fn);
    bindParameters(params, fnScope, classId && !isStatic ? classId : null);
    if (nameNode) {
      if (scope.kind === 'class' && classId) file.classes.get(classId)?.methods.set(name, fn.id);
      else bind(scope, name, { kind: 'function', functionId: fn.id });
    }
    return fn;
  };

  const bindImport = (node: Node, scope: Scope): void => {
    if (node.type === 'import_statement') {
      for (const item of namedChildren(node)) {
        if (item.type === 'dotted_name') {
          file.importedModules.add(item.text);
          const head = item.text.split('.')[0] ?? item.text;
          bind(scope, head, { kind: 'module', module: head });
        } else if (item.type === 'aliased_import') {
          const name = item.childForFieldName('name');
          const alias = item.childForFieldName('alias');
          if (!name || !alias) continue;
          file.importedModules.add(name.text);
          bind(scope, alias.text, { kind: 'module', module: name.text });
        }
      }
      return;
    }
    const moduleNode = node.childForFieldName('module_name');
    if (!moduleNode) return;
    const module = moduleNode.text.replace(/\s+/g, '');
    file.importedModules.add(module);
    for (const item of node.childrenForFieldName('name')) {
      if (item.type === 'dotted_name') {
        bind(scope, item.text, { kind: 'from', module, name: item.text });
      } else if (item.type === 'aliased_import') {
        const name = item.childForFieldName('name');
        const alias = item.childForFieldName('alias');
        if (name && alias) bind(scope, alias.text, { kind: 'from', module, name: name.text });
      }
    }
  };

  const decoratorsOf = new Map<number, Node[]>();
  const regions: Region[] = [
    { start: 0, end: Infinity, skip: false, scope: moduleScope, fn: module, prefix: '', classId: null },
  ];
  const openRegion = (
    node: Node | null,
    scope: Scope,
    fn: FunctionInfo,
    prefix: string,
    classId: string | null,
  ): void => {
    if (node) regions.push({ start: node.startIndex, end: node.endIndex, skip: false, scope, fn, prefix, classId });
  };
  /** Only some parts of a definition are analysed (and none of one without a name): the rest is skipped. */
  const skipRegion = (node: Node, region: Region): void => {
    regions.push({ ...region, start: node.startIndex, end: node.endIndex, skip: true });
  };
  /** A part of a definition that runs where the definition is: parameters' defaults and annotations, base classes. */
  const outerPart = (node: Node | null, region: Region): void => {
    if (node) regions.push({ ...region, start: node.startIndex, end: node.endIndex, skip: false });
  };

  /** Records what a structure node binds, defines or queues, in the region (scope) it sits in. */
  const visit = ({ node, type, position }: StructureNode, region: Region): void => {
    const { scope, fn, prefix, classId } = region;
    if (type === 'decorated_definition') {
      const definition = node.childForFieldName('definition');
      if (definition)
        decoratorsOf.set(
          definition.id,
          namedChildren(node).filter((c) => c.type === 'decorator'),
        );
    } else if (type === 'function_definition' || type === 'lambda') {
      skipRegion(node, region);
      const params = node.childForFieldName('parameters');
      const created = addFunction(
        node,
        type === 'lambda',
        params,
        scope,
        prefix,
        classId,
        decoratorsOf.get(node.id) ?? [],
      );
      if (!created) return;
      // Defaults and annotations run where the def is (decorators sit before it); the body is the new scope.
      outerPart(params, region);
      openRegion(node.childForFieldName('body'), created.scope, created, `${created.id}.`, null);
    } else if (type === 'class_definition') {
      skipRegion(node, region);
      const nameNode = node.childForFieldName('name');
      if (!nameNode) return;
      const id = uniqueId(`${prefix}${nameNode.text}`, node);
      file.classes.set(id, { id, methods: new Map(), attributes: new Map() });
      if (fn === module) file.moduleClassIds.add(id);
      if (scope.kind !== 'class' || !classId) bind(scope, nameNode.text, { kind: 'class', classId: id });
      outerPart(node.childForFieldName('superclasses'), region);
      openRegion(node.childForFieldName('body'), newScope('class', scope), fn, `${id}.`, id);
    } else if (type === 'import_statement' || type === 'import_from_statement' || type === 'future_import_statement') {
      if (type !== 'future_import_statement') bindImport(node, scope);
      if (scope === moduleScope) file.topLevelImports.push(node);
    } else if (type === 'assignment') {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      if (left && right) {
        // `a = b = f()` nests assignments on the right; every target gets the innermost value.
        let value: Node | null = right;
        while (value?.type === 'assignment') value = value.childForFieldName('right');
        bindTargets(left, scope, value);
      }
    } else if (type === 'augmented_assignment' || type === 'for_statement') {
      const left = node.childForFieldName('left');
      if (left) bindTargets(left, scope, null);
    } else if (type === 'named_expression') {
      const name = node.childForFieldName('name');
      const value = node.childForFieldName('value');
      if (name) bindTargets(name, scope, value);
    } else if (type === 'as_pattern') {
      const alias = node.childForFieldName('alias');
      const target = alias ? namedChildren(alias)[0] : undefined;
      const value = namedChildren(node)[0];
      // `with X as v` gives v what X.__enter__ returns, taken as X's own type; `except E as e` gives nothing.
      if (target) bindTargets(target, scope, position === 'with-item' && value ? value : null);
    } else if (type === 'global_statement' && scope !== moduleScope) {
      // At module level `global x` changes nothing (and a module binding that points to itself would never resolve).
      for (const name of namedChildren(node))
        if (name.type === 'identifier') scope.bindings.set(name.text, { kind: 'global' });
    } else if (type === 'call') {
      file.pending.push({ kind: 'call', node, scope, fn, position });
      const callee = touchesSockets ? node.childForFieldName('function') : null;
      const receiver = callee?.type === 'attribute' ? callee.childForFieldName('object') : null;
      const method = callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : undefined;
      if (receiver?.type === 'identifier' && (method === 'setblocking' || method === 'settimeout'))
        scope.nonBlocking.add(receiver.text);
    } else if (type === 'with_item') {
      file.pending.push({ kind: 'with', node, scope, fn, position });
    } else if (type === 'while_statement') {
      file.pending.push({ kind: 'while', node, scope, fn, position });
    }
  };

  /** A memo hit: bind the def's name and bring its functions back, moved to where the def now starts. */
  const replay = (unit: ReplayUnit): void => {
    const { record } = unit;
    const rows = unit.startRow - record.startRow;
    for (const memo of record.functions) {
      if (usedIds.has(memo.id)) throw new ReplayConflict(`${memo.id} is defined twice`);
      usedIds.add(memo.id);
      const moved = shiftedFunction(memo, rows, record);
      const info: FunctionInfo = {
        id: moved.id,
        name: moved.name,
        node: null,
        range: moved.range,
        isAsync: moved.isAsync,
        isLambda: moved.isLambda,
        loopRoot: moved.intrinsicRoot,
        scope: newScope('function', moduleScope),
        decorators: [],
        calls: moved.calls,
      };
      file.functions.push(info);
    }
    bind(moduleScope, record.name, { kind: 'function', functionId: record.functionId });
    file.replayed.push(unit);
    file.replayedMarks.push(...record.marks.map((m) => ({ ...m, at: m.at + unit.startIndex })));
    file.replayedModuleCalls.push(...shiftCalls(record.moduleCalls, rows, record));
    file.comments.push(...shiftedComments(record.comments, rows));
  };

  const parts = plan
    ? plan.fresh.map((range) => structureOf(root, wantComments, range))
    : [structureOf(root, wantComments)];
  const nodes = parts.length === 1 ? (parts[0]?.nodes ?? []) : parts.flatMap((p) => p.nodes);
  for (const part of parts) file.comments.push(...part.comments);
  if (root.hasError) file.parseErrors = countParseErrors(root);
  const replays = plan?.replay ?? [];
  let nextReplay = 0;
  // Nodes come in document order, outer first, so the regions form a stack; a definition pushes
  // its parts at once (parameters, then body), so the innermost region holding the node is not
  // always the top one.
  for (const item of nodes) {
    const at = item.startIndex;
    while (nextReplay < replays.length && (replays[nextReplay] as ReplayUnit).startIndex <= at)
      replay(replays[nextReplay++] as ReplayUnit);
    while (regions.length > 1 && (regions[regions.length - 1] as Region).end <= at) regions.pop();
    let i = regions.length - 1;
    while ((regions[i] as Region).start > at || (regions[i] as Region).end <= at) i--;
    const region = regions[i] as Region;
    if (!region.skip) visit(item, region);
  }
  while (nextReplay < replays.length) replay(replays[nextReplay++] as ReplayUnit);
  if (file.replayed.length > 0) file.comments.sort((a, b) => a.line - b.line || a.column - b.column);
  return file;
}
