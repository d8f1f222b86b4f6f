// Ids and display names of function-like nodes. An id depends only on the node's position, so
// a declaration seen before the walk reaches it (hoisting, `obj.m` tables) gets the same id the
// walker gives the function; a name reads the node's parents, which the walk has set by then.
import ts = require('typescript');
import { literalText } from './source-text';

export type FunctionLike =
  | ts.FunctionDeclaration
  | ts.FunctionExpression
  | ts.ArrowFunction
  | ts.MethodDeclaration
  | ts.ConstructorDeclaration
  | ts.GetAccessorDeclaration
  | ts.SetAccessorDeclaration;

function propertyNameText(name: ts.PropertyName | undefined): string | undefined {
  if (name === undefined) return undefined;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  return undefined;
}

function className(node: ts.Node): string | undefined {
  const parent = node.parent;
  if (parent !== undefined && ts.isClassLike(parent)) return parent.name?.text ?? 'class';
  return undefined;
}

/** `on('track')` for `room.on('track', fn)`, `setTimeout` for `setTimeout(fn)`. */
function callbackLabel(call: ts.CallExpression | ts.NewExpression): string {
  const callee = call.expression;
  const calleeName = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : 'call';
  const event = literalText(call.arguments?.[0]);
  return event === undefined ? `${calleeName} callback` : `${calleeName}('${event}') callback`;
}

export function displayName(node: FunctionLike): string {
  if (ts.isConstructorDeclaration(node)) return `${className(node) ?? 'class'}.constructor`;
  if (ts.isFunctionDeclaration(node)) return node.name?.text ?? 'default';
  if (ts.isMethodDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node)) {
    const name = propertyNameText(node.name) ?? '<computed>';
    const owner = className(node);
    return owner === undefined ? name : `${owner}.${name}`;
  }
  if (ts.isFunctionExpression(node) && node.name !== undefined) return node.name.text;
  let parent = node.parent;
  while (parent !== undefined && (ts.isParenthesizedExpression(parent) || ts.isAsExpression(parent) || ts.isSatisfiesExpression(parent))) {
    parent = parent.parent;
  }
  if (parent === undefined) return '<anonymous>';
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isPropertyAssignment(parent)) return propertyNameText(parent.name) ?? '<anonymous>';
  if (ts.isPropertyDeclaration(parent)) {
    const name = propertyNameText(parent.name) ?? '<computed>';
    const owner = className(parent);
    return owner === undefined ? name : `${owner}.${name}`;
  }
  if (ts.isCallExpression(parent) || ts.isNewExpression(parent)) return callbackLabel(parent);
  if (ts.isExportAssignment(parent)) return 'default';
  return '<anonymous>';
}

export function isGenerator(node: FunctionLike): boolean {
  return (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isMethodDeclaration(node)) && node.asteriskToken !== undefined;
}

/** The name if there is one, else the header up to the body: what relatedInformation points at. */
export function headerRange(file: ts.SourceFile, node: FunctionLike): ts.TextRange {
  const name = 'name' in node ? node.name : undefined;
  if (name !== undefined) return { pos: name.getStart(file), end: name.getEnd() };
  const start = node.getStart(file);
  const bodyStart = node.body === undefined ? node.getEnd() : node.body.getStart(file);
  return { pos: start, end: Math.max(start, bodyStart) };
}

/** Ids are `fn@offset` (the function's first token): unique in the file. */
export class FunctionIds {
  private readonly ids = new Map<ts.Node, string>();

  constructor(private readonly file: ts.SourceFile) {}

  idOf(node: FunctionLike): string {
    let id = this.ids.get(node);
    if (id === undefined) {
      id = `fn@${node.getStart(this.file)}`;
      this.ids.set(node, id);
    }
    return id;
  }
}
