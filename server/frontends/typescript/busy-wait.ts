// A loop that spins on the clock: `while (Date.now() < until) {}`, or `for (;;)`/`while (true)`
// whose body leaves through `if (<clock check>) break|return`. A loop that awaits or yields
// anywhere gives the loop a turn each round, so it is not a busy-wait.
import ts = require('typescript');

export type LoopStatement = ts.WhileStatement | ts.DoStatement | ts.ForStatement;

export interface BusyWait {
  /** The expression that reads the clock (where the finding points). */
  check: ts.Expression;
  api: string;
}

/** Visits `node` and its descendants, not entering nested functions or classes; stops when `visit` returns true. */
function someInFunction(node: ts.Node, visit: (n: ts.Node) => boolean): boolean {
  if (visit(node)) return true;
  if (ts.isFunctionLike(node) || ts.isClassLike(node)) return false;
  return ts.forEachChild(node, (child) => (someInFunction(child, visit) ? true : undefined)) ?? false;
}

function yieldsToLoop(loop: LoopStatement): boolean {
  return someInFunction(
    loop,
    (n) =>
      n !== loop &&
      (ts.isAwaitExpression(n) || ts.isYieldExpression(n) || (ts.isForOfStatement(n) && n.awaitModifier !== undefined)),
  );
}

function isAlwaysTrue(condition: ts.Expression | undefined): boolean {
  return condition === undefined || condition.kind === ts.SyntaxKind.TrueKeyword;
}

function leavesLoop(statement: ts.Statement): boolean {
  if (ts.isBreakStatement(statement) || ts.isReturnStatement(statement)) return true;
  return ts.isBlock(statement) && statement.statements.some((s) => ts.isBreakStatement(s) || ts.isReturnStatement(s));
}

function loopCondition(loop: LoopStatement): ts.Expression | undefined {
  return ts.isForStatement(loop) ? loop.condition : loop.expression;
}

/** `clockApiOf(call)` names the clock API a call or `new` reads (after import resolution), else undefined. */
export function findBusyWait(
  loop: LoopStatement,
  clockApiOf: (call: ts.CallExpression | ts.NewExpression) => string | undefined,
): BusyWait | undefined {
  const clockIn = (expression: ts.Expression): string | undefined => {
    let api: string | undefined;
    someInFunction(expression, (n) => {
      api = ts.isCallExpression(n) || ts.isNewExpression(n) ? clockApiOf(n) : undefined;
      return api !== undefined;
    });
    return api;
  };
  const condition = loopCondition(loop);
  let found: BusyWait | undefined;
  if (condition !== undefined && !isAlwaysTrue(condition)) {
    const api = clockIn(condition);
    if (api !== undefined) found = { check: condition, api };
  } else {
    const body = loop.statement;
    const statements = ts.isBlock(body) ? body.statements : [body];
    for (const statement of statements) {
      if (!ts.isIfStatement(statement) || !leavesLoop(statement.thenStatement)) continue;
      const api = clockIn(statement.expression);
      if (api !== undefined) {
        found = { check: statement.expression, api };
        break;
      }
    }
  }
  return found === undefined || yieldsToLoop(loop) ? undefined : found;
}
