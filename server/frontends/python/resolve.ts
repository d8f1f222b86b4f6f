// Name resolution for pass 2: what an expression such as `t.sleep`, `self.load`,
// `httpx.Client().get` or `conn.execute` refers to, through imports, aliases, local defs,
// classes and simple assignments. Never by suffix: an unknown root resolves to nothing.
import type { Node } from 'web-tree-sitter';
import { pythonAttributeTypes, pythonElementTypes, pythonResultTypes } from '../../rules/python';
import type { Binding, FileScopes, Scope } from './scopes';
import { namedChildren, unparenthesize } from './syntax';

export type Resolved =
  /** A dotted name rooted at an import (`time.sleep`), or a method of a catalogue type
   *  (`httpx.Client.get`, no import root). */
  | { kind: 'external'; qname: string; importRoot?: { module: string; path: string[]; fromImport: boolean } }
  /** A name no scope binds: a builtin such as `open` or `input`. */
  | { kind: 'builtin'; qname: string }
  | { kind: 'function'; functionId: string }
  | { kind: 'class'; classId: string }
  /** `self` inside a method, or an instance of a class defined in this file. */
  | { kind: 'instance'; classId: string }
  /** A value of a catalogue type (`httpx.Client`, `sqlite3.Connection`, ...). */
  | { kind: 'typed'; type: string };

/** Bounds recursion through `x = y.f()` chains and self-referencing assignments. */
const MAX_RESOLVE_DEPTH = 12;
const pathType = 'pathlib.Path';
/** `pathlib.PosixPath` and friends annotate a `pathlib.Path`. */
const pathConstructors = new Set(['pathlib.PosixPath', 'pathlib.WindowsPath', 'pathlib.PurePath']);
/** Calls that return a path as a string. */
const pathStringFunctions = new Set([
  'os.path.join',
  'os.path.abspath',
  'os.path.expanduser',
  'os.path.normpath',
  'os.path.realpath',
  'os.fspath',
  'builtins.str',
]);
/** Builtins whose result iterates over their argument's elements. */
const passThroughIterables = new Set(['builtins.sorted', 'builtins.list', 'builtins.reversed', 'builtins.tuple']);

export class Resolver {
  constructor(private readonly file: FileScopes) {}

  /** The scope that binds `name` as seen from `scope`, and the binding. */
  lookup(name: string, scope: Scope): { binding: Binding; scope: Scope } | null {
    let current: Scope | null = scope;
    while (current) {
      const binding = current.bindings.get(name);
      if (binding?.kind === 'global' && current !== this.file.moduleScope)
        return this.lookup(name, this.file.moduleScope);
      if (binding) return { binding, scope: current };
      // Class bodies see their own names, but functions nested in them skip to the module.
      current = current.parent;
    }
    return null;
  }

  resolve(expr: Node, scope: Scope, depth = 0): Resolved | null {
    if (depth > MAX_RESOLVE_DEPTH) return null;
    const node = unparenthesize(expr);
    if (node.type === 'identifier') return this.resolveName(node.text, scope, depth);
    if (node.type === 'attribute') {
      const object = node.childForFieldName('object');
      const attribute = node.childForFieldName('attribute');
      if (!object || !attribute) return null;
      const base = this.resolve(object, scope, depth + 1);
      return base ? this.member(base, attribute.text, depth) : null;
    }
    if (node.type === 'call') {
      const callee = node.childForFieldName('function');
      const target = callee ? this.resolve(callee, scope, depth + 1) : null;
      return target ? this.callResult(target) : null;
    }
    if (node.type === 'binary_operator' && node.childForFieldName('operator')?.type === '/') {
      // `base / "name"` is a path when base is one.
      const left = node.childForFieldName('left');
      const base = left ? this.resolve(left, scope, depth + 1) : null;
      return base?.kind === 'typed' && base.type === pathType ? base : null;
    }
    return null;
  }

  /** A file-system path (a string or a `pathlib.Path`), as opposed to a file object or buffer. */
  isPath(expr: Node, scope: Scope, depth = 0): boolean {
    if (depth > MAX_RESOLVE_DEPTH) return false;
    const node = unparenthesize(expr);
    const type = node.type;
    if (type === 'string' || type === 'concatenated_string') return true;
    if (type === 'binary_operator' && node.childForFieldName('operator')?.type === '+')
      return namedChildren(node).some((side) => this.isPath(side, scope, depth + 1));
    const resolved = this.resolve(node, scope, depth + 1);
    if (resolved?.kind === 'typed' && resolved.type === pathType) return true;
    if (type === 'call') {
      const callee = node.childForFieldName('function');
      const qname = callee ? this.qualifiedName(this.resolve(callee, scope, depth + 1)) : null;
      return qname !== null && pathStringFunctions.has(qname);
    }
    if (type !== 'identifier') return false;
    const found = this.lookup(node.text, scope);
    return found?.binding.kind === 'value' && found.binding.values.every((v) => this.isPath(v, found.scope, depth + 1));
  }

  /** resolve() for a plain name chain `a.b.c` given as its names (see syntax.ts nameChain); the
   *  depths match resolve()'s walk down the attribute nodes. */
  resolveChain(names: readonly string[], scope: Scope): Resolved | null {
    const last = names.length - 1;
    if (last > MAX_RESOLVE_DEPTH || names[0] === undefined) return null;
    let resolved = this.resolveName(names[0], scope, last);
    for (let i = 1; i <= last && resolved; i++) resolved = this.member(resolved, names[i] as string, last - i);
    return resolved;
  }

  /** A fully qualified name for catalogue lookup, if the expression has one. */
  qualifiedName(resolved: Resolved | null): string | null {
    return resolved && (resolved.kind === 'external' || resolved.kind === 'builtin') ? resolved.qname : null;
  }

  private resolveName(name: string, scope: Scope, depth: number): Resolved | null {
    const found = this.lookup(name, scope);
    if (!found) return { kind: 'builtin', qname: `builtins.${name}` };
    const { binding } = found;
    switch (binding.kind) {
      case 'module':
        return {
          kind: 'external',
          qname: binding.module,
          importRoot: { module: binding.module, path: [], fromImport: false },
        };
      case 'from': {
        const joiner = binding.module.endsWith('.') ? '' : '.';
        return {
          kind: 'external',
          qname: `${binding.module}${joiner}${binding.name}`,
          importRoot: { module: binding.module, path: [binding.name], fromImport: true },
        };
      }
      case 'function':
        return { kind: 'function', functionId: binding.functionId };
      case 'class':
        return { kind: 'class', classId: binding.classId };
      case 'self':
        return { kind: 'instance', classId: binding.classId };
      case 'value':
        return found.scope.nonBlocking.has(name) ? null : this.valueType(binding.values, found.scope, depth);
      case 'element':
        return this.agreed(binding.iterables.map((it) => this.elementType(it, found.scope, depth + 1)));
      case 'annotated':
        return this.annotationType(binding.annotation, found.scope, depth + 1);
      default:
        return null;
    }
  }

  /** A variable has a type only when every value assigned to it in its scope agrees. */
  private valueType(values: Node[], scope: Scope, depth: number): Resolved | null {
    return this.agreedType(
      values.map((value) => ({ value, scope })),
      depth,
    );
  }

  private agreedType(assignments: { value: Node; scope: Scope }[], depth: number): Resolved | null {
    return this.agreed(assignments.map(({ value, scope }) => this.resolve(value, scope, depth + 1)));
  }

  /** The one instance type every candidate has, or null when any is unknown or they differ. */
  private agreed(candidates: readonly (Resolved | null)[]): Resolved | null {
    let agreed: Resolved | null = null;
    for (const r of candidates) {
      if (!r || (r.kind !== 'typed' && r.kind !== 'instance')) return null;
      if (agreed && JSON.stringify(agreed) !== JSON.stringify(r)) return null;
      agreed = r;
    }
    return agreed;
  }

  /** What `for x in iterable` gives x: `path.glob(...)` yields paths; `sorted(...)`/`list(...)` pass it on. */
  private elementType(iterable: Node, scope: Scope, depth: number): Resolved | null {
    if (depth > MAX_RESOLVE_DEPTH) return null;
    const node = unparenthesize(iterable);
    if (node.type !== 'call') return null;
    const callee = node.childForFieldName('function');
    const qname = callee ? this.qualifiedName(this.resolve(callee, scope, depth + 1)) : null;
    if (qname === null) return null;
    if (passThroughIterables.has(qname)) {
      const first = node.childForFieldName('arguments')?.namedChild(0);
      return first ? this.elementType(first, scope, depth + 1) : null;
    }
    const element = pythonElementTypes[qname];
    return element ? { kind: 'typed', type: element } : null;
  }

  /** `x: Path`, `x: Path | None`, `x: Optional[Path]`, `x: MyClass`: an instance of the type. */
  private annotationType(annotation: Node, scope: Scope, depth: number): Resolved | null {
    if (depth > MAX_RESOLVE_DEPTH) return null;
    let node = unparenthesize(annotation);
    if (node.type === 'type') node = namedChildren(node)[0] ?? node;
    if (node.type === 'binary_operator' && node.childForFieldName('operator')?.type === '|') {
      const sides = namedChildren(node).filter((side) => side.text !== 'None');
      return sides.length === 1 && sides[0] ? this.annotationType(sides[0], scope, depth + 1) : null;
    }
    if (node.type === 'generic_type' || node.type === 'subscript') {
      const head = namedChildren(node)[0];
      const inner = namedChildren(node)[1];
      const qname = head ? this.qualifiedName(this.resolve(head, scope, depth + 1)) : null;
      const unwrapped = inner?.type === 'type_parameter' ? namedChildren(inner)[0] : inner;
      return qname === 'typing.Optional' && unwrapped ? this.annotationType(unwrapped, scope, depth + 1) : null;
    }
    const resolved = this.resolve(node, scope, depth + 1);
    if (resolved?.kind === 'class') return { kind: 'instance', classId: resolved.classId };
    const qname = this.qualifiedName(resolved);
    // Only types (a constructor that gives its own type), not factories such as requests.session.
    const type = qname === null ? undefined : pythonResultTypes[qname];
    return type !== undefined && (type === qname || pathConstructors.has(qname ?? '')) ? { kind: 'typed', type } : null;
  }

  private member(base: Resolved, name: string, depth: number): Resolved | null {
    switch (base.kind) {
      case 'external':
        return {
          kind: 'external',
          qname: `${base.qname}.${name}`,
          ...(base.importRoot ? { importRoot: { ...base.importRoot, path: [...base.importRoot.path, name] } } : {}),
        };
      case 'class': {
        const method = this.file.classes.get(base.classId)?.methods.get(name);
        return method ? { kind: 'function', functionId: method } : null;
      }
      case 'instance': {
        const info = this.file.classes.get(base.classId);
        const method = info?.methods.get(name);
        if (method) return { kind: 'function', functionId: method };
        // `self.client = httpx.Client()` in any method types `self.client` when every assignment agrees.
        const assigned = info?.attributes.get(name);
        return assigned ? this.agreedType(assigned, depth) : null;
      }
      case 'typed': {
        const attributeType = pythonAttributeTypes[`${base.type}.${name}`];
        return attributeType
          ? { kind: 'typed', type: attributeType }
          : { kind: 'external', qname: `${base.type}.${name}` };
      }
      default:
        return null;
    }
  }

  private callResult(target: Resolved): Resolved | null {
    if (target.kind === 'class') return { kind: 'instance', classId: target.classId };
    const qname = this.qualifiedName(target);
    const type = qname ? pythonResultTypes[qname] : undefined;
    return type ? { kind: 'typed', type } : null;
  }

  /**
   * The module and exported name another file would define, for a call rooted at an import:
   * `import pkg.helpers` + `pkg.helpers.load()` → (pkg.helpers, load); `from pkg import helpers`
   * + `helpers.load()` → (pkg.helpers, load); `from helpers import Loader` + `Loader.load()` →
   * (helpers, Loader.load).
   */
  importTarget(resolved: Resolved): { module: string; name: string } | null {
    if (resolved.kind !== 'external' || !resolved.importRoot) return null;
    const { module, path, fromImport } = resolved.importRoot;
    const segments = [...path];
    let moduleName = module;
    const join = (m: string, s: string): string => (m.endsWith('.') ? `${m}${s}` : `${m}.${s}`);
    const first = segments[0];
    if (fromImport && first !== undefined && segments.length > 1 && /^[a-z_]/.test(first)) {
      // A lower-case imported name used as a namespace is taken as a submodule (classes are capitalised).
      moduleName = join(moduleName, first);
      segments.shift();
    } else if (!fromImport) {
      // `import a.b.c` then `a.b.c.f()`: the longest imported module prefix is the module.
      while (
        segments.length > 1 &&
        segments[0] !== undefined &&
        this.file.importedModules.has(join(moduleName, segments[0]))
      ) {
        moduleName = join(moduleName, segments[0]);
        segments.shift();
      }
    }
    return segments.length > 0 ? { module: moduleName, name: segments.join('.') } : null;
  }
}
