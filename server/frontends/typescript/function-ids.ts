// Ids and display names of function-like nodes. An id depends only on the node's position in
// its top-level statement, so a declaration seen before the walk reaches it (hoisting, `obj.m`
// tables) gets the same id the walker gives the function; a name reads the node's parents,
// which the walk has set by then.
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
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name))
    return name.text;
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
  const calleeName = ts.isIdentifier(callee)
    ? callee.text
    : ts.isPropertyAccessExpression(callee)
      ? callee.name.text
      : 'call';
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
  while (
    parent !== undefined &&
    (ts.isParenthesizedExpression(parent) || ts.isAsExpression(parent) || ts.isSatisfiesExpression(parent))
  ) {
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
  return (
    (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isMethodDeclaration(node)) &&
    node.asteriskToken !== undefined
  );
}

/** The name if there is one, else the header up to the body: what relatedInformation points at. */
export function headerRange(file: ts.SourceFile, node: FunctionLike): ts.TextRange {
  const name = 'name' in node ? node.name : undefined;
  if (name !== undefined) return { pos: name.getStart(file), end: name.getEnd() };
  const start = node.getStart(file);
  const bodyStart = node.body === undefined ? node.getEnd() : node.body.getStart(file);
  return { pos: start, end: Math.max(start, bodyStart) };
}

/** The name a top-level statement declares, if it declares one plain name first. */
function declaredName(statement: ts.Statement): string | undefined {
  if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name !== undefined)
    return statement.name.text;
  if (ts.isVariableStatement(statement)) {
    const first = statement.declarationList.declarations[0]?.name;
    return first !== undefined && ts.isIdentifier(first) ? first.text : undefined;
  }
  return undefined;
}

/**
 * Ids are `fn@anchor+offset`: the top-level statement the function sits in, by the name it
 * declares (else `#n`, its place among the statements that declare none), and the function's
 * first token counted from the statement's. Unique in the file, and unchanged when an edit
 * elsewhere moves the statement, so an unchanged statement's memo record (statement-memo.ts)
 * and every binding that points into it stay valid.
 */
export class FunctionIds {
  private readonly ids = new Map<ts.Node, string>();
  /** Each top-level statement's first token, ascending, and its anchor. */
  private readonly starts: number[] = [];
  readonly anchors: string[] = [];
  /**
   * False when the parser's error recovery left statements out of text order or overlapping
   * (seen: a class body's members repeated as statements after it). Ids stay deterministic,
   * but a statement no longer owns its text, so nothing may be replayed.
   */
  readonly inTextOrder: boolean = true;

  constructor(private readonly file: ts.SourceFile) {
    const taken = new Set<string>();
    let unnamed = 0;
    let previousEnd = 0;
    for (const statement of file.statements) {
      const name = declaredName(statement);
      const anchor = name !== undefined && !taken.has(name) ? name : `#${unnamed++}`;
      const start = statement.getStart(file);
      if (start < previousEnd) this.inTextOrder = false;
      previousEnd = statement.end;
      taken.add(anchor);
      this.starts.push(start);
      this.anchors.push(anchor);
    }
  }

  /** The first token of top-level statement `index`. */
  statementStart(index: number): number {
    return this.starts[index] ?? 0;
  }

  /** `anchor+offset` for a position inside the file's statements. */
  positionKey(offset: number): string {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.starts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return `${this.anchors[low] ?? ''}+${offset - (this.starts[low] ?? 0)}`;
  }

  idOf(node: FunctionLike): string {
    let id = this.ids.get(node);
    if (id === undefined) {
      id = `fn@${this.positionKey(node.getStart(this.file))}`;
      this.ids.set(node, id);
    }
    return id;
  }
}
