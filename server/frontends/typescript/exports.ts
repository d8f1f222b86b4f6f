// Exported functions by exported name, for the core to resolve other files' imports:
// ESM (`export function f`, `export const f = () => …`, `export { f as g }`, `export default f`)
// and CommonJS (`module.exports = f`, `module.exports = { f, g: h }`, `exports.f = …`,
// `module.exports.f = …`); and names passed on from other modules (`export { f } from './m'`,
// `export * from './m'`, an imported name exported again), which the core follows.
import ts = require('typescript');
import type { ReExport } from '../../analysis/summary';
import type { Binding } from './bindings';
import type { FunctionIds } from './function-ids';
import { hasModifier, isFunctionValue, literalText, unwrapExpression } from './source-text';

export class ExportCollector {
  /** No prototype: an export named `constructor` or `toString` must not collide with Object's. */
  readonly exports: Record<string, string> = Object.create(null) as Record<string, string>;
  readonly reexports: ReExport[] = [];

  constructor(
    private readonly ids: FunctionIds,
    private readonly moduleScope: ReadonlyMap<string, Binding>,
  ) {}

  /** The function an exported value denotes in this file, if it is one. */
  private functionOf(value: ts.Expression): string | undefined {
    const node = unwrapExpression(value);
    if (isFunctionValue(node)) return this.ids.idOf(node);
    if (ts.isIdentifier(node)) {
      const binding = this.moduleScope.get(node.text);
      return binding?.kind === 'function' ? binding.id : undefined;
    }
    return undefined;
  }

  private set(name: string, id: string | undefined): void {
    if (id !== undefined) this.exports[name] = id;
  }

  /** `export { local as name }` where `local` was imported by name: the other module's export. */
  private setLocal(name: string, local: ts.Identifier): void {
    const binding = this.moduleScope.get(local.text);
    if (binding?.kind === 'named') this.reexports.push({ name, module: binding.module, importedName: binding.name });
    else if (binding?.kind === 'default')
      this.reexports.push({ name, module: binding.module, importedName: 'default' });
    else this.set(name, this.functionOf(local));
  }

  /** `export { a as b } from './m'`, `export * from './m'` (`export * as ns` passes a namespace, not a function). */
  private reexport(statement: ts.ExportDeclaration, module: string): void {
    const clause = statement.exportClause;
    if (clause === undefined) this.reexports.push({ name: '*', module, importedName: '*' });
    else if (ts.isNamedExports(clause)) {
      for (const element of clause.elements) {
        this.reexports.push({
          name: element.name.text,
          module,
          importedName: (element.propertyName ?? element.name).text,
        });
      }
    }
  }

  statement(statement: ts.Statement): void {
    if (ts.isFunctionDeclaration(statement) && hasModifier(statement, ts.SyntaxKind.ExportKeyword)) {
      const isDefault = hasModifier(statement, ts.SyntaxKind.DefaultKeyword);
      const name = isDefault ? 'default' : statement.name?.text;
      if (name !== undefined) this.set(name, this.ids.idOf(statement));
    } else if (ts.isVariableStatement(statement) && hasModifier(statement, ts.SyntaxKind.ExportKeyword)) {
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.initializer !== undefined) {
          this.set(declaration.name.text, this.functionOf(declaration.initializer));
        }
      }
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier !== undefined) {
      const module = literalText(statement.moduleSpecifier);
      if (module !== undefined && !statement.isTypeOnly) this.reexport(statement, module);
    } else if (ts.isExportDeclaration(statement) && statement.exportClause !== undefined) {
      if (!ts.isNamedExports(statement.exportClause)) return;
      for (const element of statement.exportClause.elements) {
        const local = element.propertyName ?? element.name;
        if (ts.isIdentifier(local)) this.setLocal(element.name.text, local);
      }
    } else if (ts.isExportAssignment(statement) && !statement.isExportEquals) {
      this.set('default', this.functionOf(statement.expression));
    } else if (ts.isExportAssignment(statement)) {
      this.commonJsValue(statement.expression);
    } else if (ts.isExpressionStatement(statement)) {
      this.commonJsAssignment(statement.expression);
    }
  }

  /** `module.exports = f` / `module.exports = { f, g: h, k() {} }`. */
  private commonJsValue(value: ts.Expression): void {
    const node = unwrapExpression(value);
    if (!ts.isObjectLiteralExpression(node)) {
      this.set('default', this.functionOf(node));
      return;
    }
    for (const property of node.properties) {
      if (ts.isShorthandPropertyAssignment(property)) this.set(property.name.text, this.functionOf(property.name));
      else if (
        ts.isPropertyAssignment(property) &&
        (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))
      ) {
        this.set(property.name.text, this.functionOf(property.initializer));
      } else if (ts.isMethodDeclaration(property) && ts.isIdentifier(property.name)) {
        this.set(property.name.text, this.ids.idOf(property));
      }
    }
  }

  private commonJsAssignment(expression: ts.Expression): void {
    if (!ts.isBinaryExpression(expression) || expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return;
    const target = expression.left;
    if (!ts.isPropertyAccessExpression(target)) return;
    const owner = target.expression;
    const isModuleExports = (n: ts.Expression): boolean =>
      ts.isPropertyAccessExpression(n) &&
      ts.isIdentifier(n.expression) &&
      n.expression.text === 'module' &&
      n.name.text === 'exports';
    if (isModuleExports(target)) this.commonJsValue(expression.right);
    else if (
      (ts.isIdentifier(owner) && owner.text === 'exports' && !this.moduleScope.has('exports')) ||
      isModuleExports(owner)
    ) {
      this.set(target.name.text, this.functionOf(expression.right));
    }
  }
}
