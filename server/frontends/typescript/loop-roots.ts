// Which calls hand a function to the event loop to run later (the function becomes loop
// code whatever the caller is), which hand it elsewhere (a worker: not loop code), and
// where an agent's `entry` and `prewarm` are. Declarative tables; the walker applies them.
import ts = require('typescript');
import type { LoopRootKind } from '../../analysis/summary';
import type { Binding } from './bindings';
import type { Target } from './callee';
import { literalText } from './source-text';

/** Globals and `timers` exports whose first argument the loop runs. */
const scheduledByApi: ReadonlyMap<string, LoopRootKind> = new Map([
  ['setTimeout', 'timer'],
  ['setInterval', 'timer'],
  ['setImmediate', 'timer'],
  ['timers.setTimeout', 'timer'],
  ['timers.setInterval', 'timer'],
  ['timers.setImmediate', 'timer'],
  ['queueMicrotask', 'microtask'],
  ['process.nextTick', 'microtask'],
]);

/** Listener registration: the handler is the second argument (`room.on(RoomEvent.X, fn)`). */
const listenerMethods = new Set([
  'on',
  'once',
  'addListener',
  'addEventListener',
  'prependListener',
  'prependOnceListener',
]);

/** Promise reactions: argument positions that are callbacks. Maps, not object literals: keys come from user code ('toString'). */
const reactionArguments: ReadonlyMap<string, readonly number[]> = new Map([
  ['then', [0, 1]],
  ['catch', [0]],
  ['finally', [0]],
]);

/** Where `defineAgent` comes from: LiveKit's agents-js and the OpenRTC runtime's own API. */
const agentModules = new Set(['@livekit/agents', 'openrtc']);

/** Calls that take a function without running it (unregistering, wrapping): no call edge. */
const keepsFunctionUncalled = new Set(['off', 'removeListener', 'removeEventListener']);
const wrapsFunction = new Set(['util.promisify', 'util.callbackify']);

export function leavesArgumentsUncalled(call: ts.CallExpression, target: Target | undefined): boolean {
  if (target?.kind === 'api' && wrapsFunction.has(target.api)) return true;
  return ts.isPropertyAccessExpression(call.expression) && keepsFunctionUncalled.has(call.expression.name.text);
}

/**
 * `process.on('exit', fn)`: Node runs exit listeners after the loop has stopped, and they
 * must be synchronous, so a sync write there is the right thing, not a stall.
 */
export function isProcessExitListener(call: ts.CallExpression, target: Target | undefined): boolean {
  if (target?.kind !== 'api' || !target.api.startsWith('process.')) return false;
  return listenerMethods.has(target.api.slice('process.'.length)) && literalText(call.arguments[0]) === 'exit';
}

export interface ScheduledArgument {
  argument: ts.Expression;
  kind: LoopRootKind;
}

function argumentsAt(call: ts.CallExpression, indexes: readonly number[], kind: LoopRootKind): ScheduledArgument[] {
  const out: ScheduledArgument[] = [];
  for (const i of indexes) {
    const argument = call.arguments[i];
    if (argument !== undefined) out.push({ argument, kind });
  }
  return out;
}

const firstArgument: readonly number[] = [0];
const noneScheduled: readonly ScheduledArgument[] = [];

/** The arguments of `call` that the loop will run later, with why. */
export function scheduledArguments(call: ts.CallExpression, target: Target | undefined): readonly ScheduledArgument[] {
  if (target?.kind === 'api') {
    const kind = scheduledByApi.get(target.api);
    if (kind !== undefined) return argumentsAt(call, firstArgument, kind);
  }
  const callee = call.expression;
  if (callee.kind !== ts.SyntaxKind.PropertyAccessExpression) return noneScheduled;
  const method = (callee as ts.PropertyAccessExpression).name.text;
  if (listenerMethods.has(method) && call.arguments.length >= 2) return argumentsAt(call, [1], 'event-handler');
  const reaction = reactionArguments.get(method);
  return reaction === undefined ? noneScheduled : argumentsAt(call, reaction, 'then');
}

export function isDefineAgent(target: Target | undefined): boolean {
  return target?.kind === 'import' && target.name === 'defineAgent' && agentModules.has(target.module);
}

/** `new Worker(...)` from worker_threads (or the web global): its arguments run off the loop. */
export function isWorkerConstructor(target: Target | undefined): boolean {
  return target?.kind === 'api' && (target.api === 'worker_threads.Worker' || target.api === 'Worker');
}

/** Piscina's pool methods that run a task on a worker thread. */
export function isPoolOffload(target: Target | undefined): boolean {
  return target?.kind === 'offload-pool-method' && (target.method === 'run' || target.method === 'runTask');
}

function isPiscinaImport(target: Target | undefined): boolean {
  return (
    target?.kind === 'import' && target.module === 'piscina' && (target.name === 'default' || target.name === 'Piscina')
  );
}

/** `new Piscina(...)` is a worker pool; `createRequire(...)` from node:module is a require. */
export function constructedBinding(
  init: ts.CallExpression | ts.NewExpression,
  callee: Target | undefined,
): Binding | undefined {
  if (ts.isNewExpression(init) && isPiscinaImport(callee)) return { kind: 'offload-pool' };
  if (ts.isCallExpression(init) && callee?.kind === 'api' && callee.api === 'module.createRequire')
    return { kind: 'require' };
  return undefined;
}

export interface AgentParts {
  /** The `entry` value or method (runs on the loop once per session). */
  entry: ts.Node | undefined;
  /** The `prewarm` value or method (start-up, not loop code). */
  prewarm: ts.Node | undefined;
}

/** The `entry` and `prewarm` members of `defineAgent({ ... })`'s object literal argument. */
export function agentParts(call: ts.CallExpression): AgentParts {
  const parts: AgentParts = { entry: undefined, prewarm: undefined };
  const object = call.arguments[0];
  if (object === undefined || !ts.isObjectLiteralExpression(object)) return parts;
  for (const property of object.properties) {
    const name =
      property.name === undefined
        ? undefined
        : ts.isIdentifier(property.name)
          ? property.name.text
          : literalText(property.name);
    if (name !== 'entry' && name !== 'prewarm') continue;
    const value = ts.isPropertyAssignment(property)
      ? property.initializer
      : ts.isShorthandPropertyAssignment(property)
        ? property.name
        : ts.isMethodDeclaration(property)
          ? property
          : undefined;
    parts[name] = value;
  }
  return parts;
}
