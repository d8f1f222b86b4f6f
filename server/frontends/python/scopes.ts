// Pass 1 over a Python tree: functions (def, nested def, methods, lambdas), classes, and
// what each name is bound to in each scope (imports, defs, assignments, parameters).
// Calls, `with` items and `while` loops are queued with their scope for pass 2, which
// resolves them once every binding in the file is known.
import type { Language, Node, TreeCursor } from 'web-tree-sitter';
import type { CallSite, LoopRootKind, SourceRange } from '../../analysis/summary';
import { hasAsyncKeyword, namedChildren, rangeOf } from './syntax';

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
  /** Where the node sits: its parent's type and its field there. Recorded during the walk because
   *  Node.parent re-walks from the root (quadratic on long files). */
  parentType: string;
  field: string | null;
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
}

type Place = Pick<Pending, 'parentType' | 'field'>;

/** Node types pass 1 looks at; everything else is only walked through. */
const HANDLED = new Set([
  'decorated_definition', 'function_definition', 'class_definition', 'lambda', 'import_statement',
  'import_from_statement', 'future_import_statement', 'assignment', 'augmented_assignment', 'for_statement',
  'named_expression', 'as_pattern', 'global_statement', 'call', 'with_item', 'while_statement',
]);

/** Deeper nesting than this is not descended into (bounded work and stack on hostile input). */
const MAX_DEPTH = 300;

/** Named node types that never have children worth walking (tokens are leaves too). */
const NAMED_LEAVES = ['identifier', 'integer', 'float', 'true', 'false', 'none', 'string_start', 'string_content', 'string_end', 'escape_sequence'];
const leafTypesByLanguage = new WeakMap<Language, Uint8Array>();

/** 1 at each type id whose nodes hold nothing pass 1 handles: anonymous tokens and NAMED_LEAVES. */
function leafTypeIds(root: Node): Uint8Array {
  const language = root.tree.language;
  let leaves = leafTypesByLanguage.get(language);
  if (leaves === undefined) {
    leaves = new Uint8Array(language.nodeTypeCount);
    for (let id = 0; id < language.nodeTypeCount; id++) {
      // ERROR (id 65535) is out of range and so always walked.
      if (!language.nodeTypeIsNamed(id) || NAMED_LEAVES.includes(language.types[id] ?? '')) leaves[id] = 1;
    }
    leafTypesByLanguage.set(language, leaves);
  }
  return leaves;
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
export function collectScopes(root: Node, moduleRange: SourceRange, wantComments: boolean): FileScopes {
  const countErrors = root.hasError;
  const mayTouchSockets = /\.set(?:blocking|timeout)\b/.test(root.text);
  const moduleScope = newScope('module', null);
  const module: FunctionInfo = {
    id: '<module>', name: '<module>', node: null, range: moduleRange, isAsync: false, isLambda: false,
    loopRoot: null, scope: moduleScope, decorators: [], calls: [],
  };
  const file: FileScopes = {
    module, moduleScope, functions: [module], functionsByNode: new Map(), classes: new Map(),
    importedModules: new Set(), pending: [], topLevelImports: [], comments: [], parseErrors: 0,
  };
  const usedIds = new Set(['<module>']);
  const uniqueId = (wanted: string, node: Node): string => {
    const id = usedIds.has(wanted) ? `${wanted}@${node.startPosition.row + 1}:${node.startPosition.column + 1}` : wanted;
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
    if (['pattern_list', 'tuple_pattern', 'list_pattern', 'list_splat_pattern', 'parenthesized_expression', 'expression_list', 'tuple', 'list'].includes(target.type)) {
      for (const part of namedChildren(target)) bindTargets(part, scope, null);
    }
  };

  const bindParameters = (params: Node | null, scope: Scope, selfClass: string | null): void => {
    if (!params) return;
    let first = true;
    for (const param of namedChildren(params)) {
      const nameNode =
        param.type === 'identifier' ? param
        : param.childForFieldName('name') ?? namedChildren(param).find((c) => c.type === 'identifier') ?? null;
      if (!nameNode || nameNode.type !== 'identifier') continue;
      if (first && selfClass && param.type !== 'list_splat_pattern' && param.type !== 'dictionary_splat_pattern') {
        bind(scope, nameNode.text, { kind: 'self', classId: selfClass });
      } else {
        bind(scope, nameNode.text, { kind: 'opaque' });
      }
      first = false;
    }
  };

  const addFunction = (node: Node, scope: Scope, prefix: string, classId: string | null, decorators: Node[]): FunctionInfo | null => {
    const isLambda = node.type === 'lambda';
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
    bindParameters(node.childForFieldName('parameters'), fnScope, classId && !isStatic ? classId : null);
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

  // Children are walked with a TreeCursor (materialising every node through the wasm boundary
  // costs more than the rest of the analysis); only node types handled below become Nodes.
  // Each cursor step is a wasm call, so leaves are not asked for children and a node's type is
  // read once. Recursion is natural with scope changes, so depth is capped instead.
  const leaves = leafTypeIds(root);
  const types = root.tree.language.types;
  const walkChildren = (cursor: TreeCursor, parentType: string, scope: Scope, fn: FunctionInfo, prefix: string, classId: string | null, depth: number): void => {
    if (depth > MAX_DEPTH || !cursor.gotoFirstChild()) return;
    do {
      const typeId = cursor.nodeTypeId;
      const type = types[typeId] ?? 'ERROR';
      if (countErrors && (type === 'ERROR' || cursor.nodeIsMissing)) file.parseErrors++;
      if (type === 'comment') {
        if (wantComments) file.comments.push({ line: cursor.startPosition.row, column: cursor.startPosition.column, text: cursor.nodeText });
        continue;
      }
      // The field matters only for an assignment's value (see fixes.ts); asking costs a wasm call.
      const place = HANDLED.has(type) ? { parentType, field: parentType === 'assignment' ? cursor.currentFieldName : null } : null;
      if (place ? visit(cursor.currentNode, type, place, scope, fn, prefix, classId, depth) : leaves[typeId] !== 1) {
        walkChildren(cursor, type, scope, fn, prefix, classId, depth + 1);
      }
    } while (cursor.gotoNextSibling());
    cursor.gotoParent();
  };
  const descend = (node: Node, type: string, scope: Scope, fn: FunctionInfo, prefix: string, classId: string | null, depth: number): void => {
    const cursor = node.walk();
    try {
      walkChildren(cursor, type, scope, fn, prefix, classId, depth);
    } finally {
      cursor.delete();
    }
  };

  /** Walks `child` (whose parent has type `parentType`) in the given scope and function. */
  const within = (child: Node, parentType: string, scope: Scope, fn: FunctionInfo, prefix: string, classId: string | null, depth: number): void => {
    const type = child.type;
    if (HANDLED.has(type) && !visit(child, type, { parentType, field: null }, scope, fn, prefix, classId, depth)) return;
    descend(child, type, scope, fn, prefix, classId, depth);
  };

  const visitDefinition = (definition: Node, decorators: Node[], scope: Scope, fn: FunctionInfo, prefix: string, classId: string | null, depth: number): void => {
    const type = definition.type;
    if (type === 'class_definition') {
      const nameNode = definition.childForFieldName('name');
      if (!nameNode) return;
      const id = uniqueId(`${prefix}${nameNode.text}`, definition);
      file.classes.set(id, { id, methods: new Map(), attributes: new Map() });
      if (scope.kind !== 'class' || !classId) bind(scope, nameNode.text, { kind: 'class', classId: id });
      const superclasses = definition.childForFieldName('superclasses');
      if (superclasses) within(superclasses, type, scope, fn, prefix, classId, depth);
      const body = definition.childForFieldName('body');
      if (body) within(body, type, newScope('class', scope), fn, `${id}.`, id, depth);
      return;
    }
    const created = addFunction(definition, scope, prefix, classId, decorators);
    if (!created) return;
    // Defaults and annotations run where the def is, not inside it.
    const params = definition.childForFieldName('parameters');
    if (params) {
      for (const p of namedChildren(params)) {
        for (const part of namedChildren(p)) if (part.type !== 'identifier') within(part, type, scope, fn, prefix, classId, depth);
      }
    }
    const body = definition.childForFieldName('body');
    if (body) within(body, type, created.scope, created, `${created.id}.`, null, depth);
  };

  /** Records what `node` (of type `type`) binds or queues; true when its children belong to the same scope. */
  const visit = (node: Node, type: string, place: Place, scope: Scope, fn: FunctionInfo, prefix: string, classId: string | null, depth: number): boolean => {
    if (type === 'decorated_definition') {
      const decorators = namedChildren(node).filter((c) => c.type === 'decorator');
      for (const d of decorators) within(d, type, scope, fn, prefix, classId, depth + 1);
      const definition = node.childForFieldName('definition');
      if (definition) visitDefinition(definition, decorators, scope, fn, prefix, classId, depth + 1);
      return false;
    }
    if (type === 'function_definition' || type === 'class_definition' || type === 'lambda') {
      visitDefinition(node, [], scope, fn, prefix, classId, depth + 1);
      return false;
    }
    if (type === 'import_statement' || type === 'import_from_statement' || type === 'future_import_statement') {
      if (type !== 'future_import_statement') bindImport(node, scope);
      if (scope === moduleScope) file.topLevelImports.push(node);
      return false;
    }
    if (type === 'assignment') {
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
      const inWith = place.parentType === 'with_item';
      if (target) bindTargets(target, scope, inWith && value ? value : null);
    } else if (type === 'global_statement') {
      for (const name of namedChildren(node)) if (name.type === 'identifier') scope.bindings.set(name.text, { kind: 'global' });
    } else if (type === 'call') {
      file.pending.push({ kind: 'call', node, scope, fn, ...place });
      const callee = mayTouchSockets ? node.childForFieldName('function') : null;
      const receiver = callee?.type === 'attribute' ? callee.childForFieldName('object') : null;
      const method = callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : undefined;
      if (receiver?.type === 'identifier' && (method === 'setblocking' || method === 'settimeout')) scope.nonBlocking.add(receiver.text);
    } else if (type === 'with_item') {
      file.pending.push({ kind: 'with', node, scope, fn, ...place });
    } else if (type === 'while_statement') {
      file.pending.push({ kind: 'while', node, scope, fn, ...place });
    }
    return true;
  };

  descend(root, 'module', moduleScope, module, '', null, 0);
  return file;
}
