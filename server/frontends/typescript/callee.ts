// What a called expression refers to: a Node API or global by its qualified name
// ('fs.readFileSync', 'Atomics.wait'), a function in this file, or an imported name for the
// core to resolve. Anything that would need a guess (a property of an unknown value, a
// shadowed global) resolves to nothing.
import ts = require('typescript');
import { type Binding, type ScopeStack, requiredModule } from './bindings';
import { canonicalModule, isNamedByApi, literalText, unwrapExpression } from './source-text';

export type Target =
  | { kind: 'api'; api: string }
  | { kind: 'import'; module: string; name: string }
  | { kind: 'local'; id: string }
  | { kind: 'offload-pool-method'; method: string };

export interface AccessChain {
  base: ts.Expression;
  /** Property names after the base: `fs.promises.readFile` → ['promises', 'readFile']. */
  path: string[];
}

export function accessChain(expression: ts.Expression): AccessChain {
  const path: string[] = [];
  let current = unwrapExpression(expression);
  for (;;) {
    if (ts.isPropertyAccessExpression(current)) {
      path.unshift(current.name.text);
      current = unwrapExpression(current.expression);
    } else if (ts.isElementAccessExpression(current) && literalText(current.argumentExpression) !== undefined) {
      path.unshift(literalText(current.argumentExpression) ?? '');
      current = unwrapExpression(current.expression);
    } else return { base: current, path };
  }
}

function fromModule(module: string, imported: string | undefined, path: readonly string[]): Target | undefined {
  if (isNamedByApi(module)) {
    const parts = [canonicalModule(module), ...(imported === undefined ? [] : [imported]), ...path];
    return { kind: 'api', api: parts.join('.') };
  }
  if (imported !== undefined) return path.length === 0 ? { kind: 'import', module, name: imported } : undefined;
  // A namespace of another module: `ns()` is its default (CommonJS `module.exports = fn`), `ns.f()` its export f.
  if (path.length === 0) return { kind: 'import', module, name: 'default' };
  return path.length === 1 && path[0] !== undefined ? { kind: 'import', module, name: path[0] } : undefined;
}

function fromBinding(binding: Binding, path: readonly string[]): Target | undefined {
  switch (binding.kind) {
    case 'namespace':
      return fromModule(binding.module, undefined, path);
    case 'default':
      return path.length === 0 ? { kind: 'import', module: binding.module, name: 'default' } : undefined;
    case 'named':
      return fromModule(binding.module, binding.name, path);
    case 'function':
      return path.length === 0 ? { kind: 'local', id: binding.id } : undefined;
    case 'methods': {
      const id = path.length === 1 && path[0] !== undefined ? binding.methods.get(path[0]) : undefined;
      return id === undefined ? undefined : { kind: 'local', id };
    }
    case 'offload-pool':
      return path.length === 1 && path[0] !== undefined ? { kind: 'offload-pool-method', method: path[0] } : undefined;
    case 'require':
      return path.length === 0 ? { kind: 'api', api: 'require' } : undefined;
    case 'opaque':
      return undefined;
  }
}

export function resolveTarget(
  expression: ts.Expression,
  scopes: ScopeStack,
  thisMethods: ReadonlyMap<string, string> | undefined,
): Target | undefined {
  const { base, path } = accessChain(expression);
  if (ts.isIdentifier(base)) {
    const binding = scopes.lookup(base.text);
    // An unbound name is a global: 'Atomics.wait', 'setTimeout', 'process.nextTick'.
    return binding === undefined ? { kind: 'api', api: [base.text, ...path].join('.') } : fromBinding(binding, path);
  }
  if (base.kind === ts.SyntaxKind.ThisKeyword) {
    const id = path.length === 1 && path[0] !== undefined ? thisMethods?.get(path[0]) : undefined;
    return id === undefined ? undefined : { kind: 'local', id };
  }
  const module = requiredModule(base, scopes);
  return module === undefined ? undefined : fromModule(module, undefined, path);
}

/** The function `new X(...)` runs in this file: a local class's own constructor, or a constructor function. */
export function resolveConstructor(expression: ts.Expression, scopes: ScopeStack): string | undefined {
  const callee = unwrapExpression(expression);
  if (!ts.isIdentifier(callee)) return undefined;
  const binding = scopes.lookup(callee.text);
  if (binding?.kind === 'function') return binding.id;
  return binding?.kind === 'methods' ? binding.constructorId : undefined;
}

/** `f.bind(thisArg, ...)` hands over `f` itself. */
export function unwrapBind(expression: ts.Expression): ts.Expression {
  const value = unwrapExpression(expression);
  if (
    ts.isCallExpression(value) &&
    ts.isPropertyAccessExpression(value.expression) &&
    value.expression.name.text === 'bind'
  ) {
    return unwrapExpression(value.expression.expression);
  }
  return value;
}
