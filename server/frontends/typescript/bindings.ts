// What a name means at a point in the file, without a type checker: imports, `require`s and
// `await import()`s, local functions, local const objects and classes (for `obj.m()`,
// `Class.m()`), and everything else as an opaque local that shadows outer meanings.
// Declarations are collected per scope when the walker enters it, so hoisted functions (and
// `var`s from nested blocks) resolve before their text.
import ts = require('typescript');
import { hasModifier, isFunctionValue, isNamedByApi, literalText, unwrapExpression } from './source-text';
import type { FunctionIds } from './function-ids';

export type Binding =
  /** `import * as m`, `const m = require('m')`, `import m = require('m')`, and default imports of Node modules. */
  | { kind: 'namespace'; module: string }
  /** `import m from 'pkg'` (a package's default export: only a direct call means something). */
  | { kind: 'default'; module: string }
  /** `import { name as local }`, `const { name: local } = require('m')`, `const local = require('m').name`. */
  | { kind: 'named'; module: string; name: string }
  | { kind: 'function'; id: string }
  /** A const object literal or a class: methods callable as `local.m()`; a class's constructor runs on `new`. */
  | { kind: 'methods'; methods: ReadonlyMap<string, string>; constructorId?: string }
  /** `const pool = new Piscina(...)`: functions handed to `pool.run` run on a worker. */
  | { kind: 'offload-pool' }
  /** `const require = createRequire(import.meta.url)` (from node:module): a real `require`. */
  | { kind: 'require' }
  /** Any other local (parameter, let, computed value): hides outer meanings, means nothing itself. */
  | { kind: 'opaque' };

export class ScopeStack {
  private readonly scopes: Map<string, Binding>[] = [];

  push(scope: Map<string, Binding>): void {
    this.scopes.push(scope);
  }

  pop(): void {
    this.scopes.pop();
  }

  lookup(name: string): Binding | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const hit = this.scopes[i]?.get(name);
      if (hit !== undefined) return hit;
    }
    return undefined;
  }

  /** True when `name` is declared anywhere in the visible scopes (a new import must not collide). */
  isDeclared(name: string): boolean {
    return this.lookup(name) !== undefined;
  }

  moduleScope(): ReadonlyMap<string, Binding> | undefined {
    return this.scopes[0];
  }
}

/** The global `require`, or a name bound to `createRequire(...)`. */
export function isRequire(callee: ts.Expression, scopes: ScopeStack): boolean {
  if (!ts.isIdentifier(callee)) return false;
  const binding = scopes.lookup(callee.text);
  return binding === undefined ? callee.text === 'require' : binding.kind === 'require';
}

/** `require('m')`: the specifier, else undefined. */
export function requiredModule(node: ts.Expression, scopes: ScopeStack): string | undefined {
  if (!ts.isCallExpression(node) || node.arguments.length !== 1 || !isRequire(node.expression, scopes))
    return undefined;
  return literalText(node.arguments[0]);
}

/** `require('m')` or `await import('m')`: the module a declaration's value is, else undefined. */
function loadedModule(init: ts.Expression, scopes: ScopeStack): string | undefined {
  if (ts.isAwaitExpression(init)) {
    const call = unwrapExpression(init.expression);
    const isImport = ts.isCallExpression(call) && call.expression.kind === ts.SyntaxKind.ImportKeyword;
    return isImport ? literalText(call.arguments[0]) : undefined;
  }
  return requiredModule(init, scopes);
}

/** Method name → function id for an object literal or class body; only plainly named members
 *  (`#name` included: `this.#readCpu()` reads the same text). */
function methodTable(
  members: readonly (ts.ObjectLiteralElementLike | ts.ClassElement)[],
  ids: FunctionIds,
  wantStatic: boolean | undefined,
): Map<string, string> {
  const table = new Map<string, string>();
  for (const member of members) {
    if (wantStatic !== undefined) {
      const isStatic = hasModifier(member, ts.SyntaxKind.StaticKeyword);
      if (isStatic !== wantStatic) continue;
    }
    const name =
      member.name !== undefined &&
      (ts.isIdentifier(member.name) || ts.isStringLiteral(member.name) || ts.isPrivateIdentifier(member.name))
        ? member.name.text
        : undefined;
    if (name === undefined) continue;
    if (ts.isMethodDeclaration(member)) table.set(name, ids.idOf(member));
    else if (
      (ts.isPropertyAssignment(member) || ts.isPropertyDeclaration(member)) &&
      member.initializer !== undefined
    ) {
      const value = unwrapExpression(member.initializer);
      if (isFunctionValue(value)) table.set(name, ids.idOf(value));
    }
  }
  return table;
}

export function instanceMethods(cls: ts.ClassLikeDeclaration, ids: FunctionIds): Map<string, string> {
  return methodTable(cls.members, ids, false);
}
export function staticMethods(cls: ts.ClassLikeDeclaration, ids: FunctionIds): Map<string, string> {
  return methodTable(cls.members, ids, true);
}
/** A class as a value: its static methods, and its own constructor (run by `new`). */
export function classBinding(cls: ts.ClassLikeDeclaration, ids: FunctionIds): Binding {
  const constructor = cls.members.find(ts.isConstructorDeclaration);
  const binding: Binding = { kind: 'methods', methods: staticMethods(cls, ids) };
  if (constructor?.body !== undefined) binding.constructorId = ids.idOf(constructor);
  return binding;
}
export function objectMethods(object: ts.ObjectLiteralExpression, ids: FunctionIds): Map<string, string> {
  return methodTable(object.properties, ids, undefined);
}

/** Statements nested in `statement`'s blocks (if/loop/try/switch/label bodies), not in functions. */
function forEachNestedStatement(statement: ts.Statement, visit: (nested: ts.Statement) => void): void {
  const into = (child: ts.Statement | undefined): void => {
    if (child === undefined) return;
    visit(child);
    forEachNestedStatement(child, visit);
  };
  if (ts.isBlock(statement)) statement.statements.forEach(into);
  else if (ts.isIfStatement(statement)) {
    into(statement.thenStatement);
    into(statement.elseStatement);
  } else if (ts.isIterationStatement(statement, false)) into(statement.statement);
  else if (ts.isLabeledStatement(statement)) into(statement.statement);
  else if (ts.isTryStatement(statement)) {
    into(statement.tryBlock);
    into(statement.catchClause?.block);
    into(statement.finallyBlock);
  } else if (ts.isSwitchStatement(statement)) {
    for (const clause of statement.caseBlock.clauses) clause.statements.forEach(into);
  }
}

/** Method tables of objects and classes, built once per owner (for `this.m()`). */
export class MethodTables {
  private readonly instance = new Map<ts.Node, ReadonlyMap<string, string>>();
  private readonly statics = new Map<ts.Node, ReadonlyMap<string, string>>();

  constructor(private readonly ids: FunctionIds) {}

  of(owner: ts.ObjectLiteralExpression | ts.ClassLikeDeclaration, wantStatic: boolean): ReadonlyMap<string, string> {
    const cache = wantStatic ? this.statics : this.instance;
    let table = cache.get(owner);
    if (table === undefined) {
      table = ts.isObjectLiteralExpression(owner)
        ? objectMethods(owner, this.ids)
        : wantStatic
          ? staticMethods(owner, this.ids)
          : instanceMethods(owner, this.ids);
      cache.set(owner, table);
    }
    return table;
  }
}

function addPatternNames(name: ts.BindingName, scope: Map<string, Binding>): void {
  if (ts.isIdentifier(name)) {
    scope.set(name.text, { kind: 'opaque' });
    return;
  }
  for (const element of name.elements) {
    if (ts.isBindingElement(element)) addPatternNames(element.name, scope);
  }
}

export class DeclarationCollector {
  constructor(
    private readonly ids: FunctionIds,
    private readonly scopes: ScopeStack,
    /** What a value built by `new X(...)` or `f(...)` is, when that matters (a worker pool, a require). */
    private readonly constructedBinding: (init: ts.CallExpression | ts.NewExpression) => Binding | undefined,
  ) {}

  /** Adds the bindings these statements declare (hoisted function declarations included) to `scope`. */
  statements(statements: readonly ts.Statement[], scope: Map<string, Binding>): void {
    for (const statement of statements) this.statement(statement, scope);
  }

  /**
   * A function's (or the module's) own statements, plus the `var`s declared in blocks nested in
   * them: `var` belongs to the whole function, so it shadows outer names everywhere in it.
   */
  functionBody(statements: readonly ts.Statement[], scope: Map<string, Binding>): void {
    for (const statement of statements) forEachNestedStatement(statement, (nested) => this.hoistedVar(nested, scope));
    this.statements(statements, scope);
  }

  private hoistedVar(statement: ts.Statement, scope: Map<string, Binding>): void {
    if (!ts.isVariableStatement(statement)) return;
    const list = statement.declarationList;
    if ((list.flags & ts.NodeFlags.BlockScoped) !== 0) return;
    for (const declaration of list.declarations) this.variable(declaration, false, scope);
  }

  parameters(parameters: readonly ts.ParameterDeclaration[], scope: Map<string, Binding>): void {
    for (const parameter of parameters) addPatternNames(parameter.name, scope);
  }

  variableList(list: ts.VariableDeclarationList, scope: Map<string, Binding>): void {
    const isConst = (list.flags & ts.NodeFlags.Const) !== 0;
    for (const declaration of list.declarations) this.variable(declaration, isConst, scope);
  }

  bindingName(name: ts.BindingName, scope: Map<string, Binding>): void {
    addPatternNames(name, scope);
  }

  private statement(statement: ts.Statement, scope: Map<string, Binding>): void {
    if (ts.isImportDeclaration(statement)) this.importDeclaration(statement, scope);
    else if (ts.isImportEqualsDeclaration(statement)) {
      const ref = statement.moduleReference;
      const module = ts.isExternalModuleReference(ref) ? literalText(ref.expression) : undefined;
      scope.set(statement.name.text, module === undefined ? { kind: 'opaque' } : { kind: 'namespace', module });
    } else if (ts.isVariableStatement(statement)) this.variableList(statement.declarationList, scope);
    else if (ts.isFunctionDeclaration(statement) && statement.name !== undefined) {
      scope.set(statement.name.text, { kind: 'function', id: this.ids.idOf(statement) });
    } else if (ts.isClassDeclaration(statement) && statement.name !== undefined) {
      scope.set(statement.name.text, classBinding(statement, this.ids));
    } else if (
      (ts.isEnumDeclaration(statement) || ts.isModuleDeclaration(statement)) &&
      ts.isIdentifier(statement.name)
    ) {
      scope.set(statement.name.text, { kind: 'opaque' });
    }
  }

  private importDeclaration(statement: ts.ImportDeclaration, scope: Map<string, Binding>): void {
    const module = literalText(statement.moduleSpecifier);
    const clause = statement.importClause;
    if (module === undefined || clause === undefined) return;
    if (clause.name !== undefined) {
      // A Node module's default export is its namespace object (`import fs from 'fs'`), and so is fs-extra's.
      scope.set(clause.name.text, isNamedByApi(module) ? { kind: 'namespace', module } : { kind: 'default', module });
    }
    const named = clause.namedBindings;
    if (named === undefined) return;
    if (ts.isNamespaceImport(named)) {
      scope.set(named.name.text, { kind: 'namespace', module });
      return;
    }
    for (const element of named.elements) {
      const imported = element.propertyName ?? element.name;
      scope.set(element.name.text, { kind: 'named', module, name: imported.text });
    }
  }

  private variable(declaration: ts.VariableDeclaration, isConst: boolean, scope: Map<string, Binding>): void {
    const init = declaration.initializer === undefined ? undefined : unwrapExpression(declaration.initializer);
    const name = declaration.name;
    if (ts.isObjectBindingPattern(name)) {
      const module = init === undefined ? undefined : loadedModule(init, this.scopes);
      for (const element of name.elements) {
        const property = element.propertyName ?? element.name;
        const propertyName = ts.isIdentifier(property) || ts.isStringLiteral(property) ? property.text : undefined;
        if (
          module !== undefined &&
          propertyName !== undefined &&
          ts.isIdentifier(element.name) &&
          element.dotDotDotToken === undefined
        ) {
          scope.set(element.name.text, { kind: 'named', module, name: propertyName });
        } else addPatternNames(element.name, scope);
      }
      return;
    }
    if (!ts.isIdentifier(name)) {
      addPatternNames(name, scope);
      return;
    }
    scope.set(name.text, init === undefined ? { kind: 'opaque' } : this.valueBinding(init, isConst));
  }

  private valueBinding(init: ts.Expression, isConst: boolean): Binding {
    const module = loadedModule(init, this.scopes);
    if (module !== undefined) return { kind: 'namespace', module };
    if (ts.isPropertyAccessExpression(init)) {
      const base = requiredModule(unwrapExpression(init.expression), this.scopes);
      if (base !== undefined) return { kind: 'named', module: base, name: init.name.text };
    }
    // Only a const keeps pointing at the function or object it was given.
    if (!isConst) return { kind: 'opaque' };
    if (isFunctionValue(init)) return { kind: 'function', id: this.ids.idOf(init) };
    if (ts.isObjectLiteralExpression(init)) return { kind: 'methods', methods: objectMethods(init, this.ids) };
    if (ts.isClassExpression(init)) return classBinding(init, this.ids);
    if (ts.isNewExpression(init) || ts.isCallExpression(init))
      return this.constructedBinding(init) ?? { kind: 'opaque' };
    return { kind: 'opaque' };
  }
}
