// Every control method, declared once: its name, params and result types (vscode-jsonrpc's
// RequestType, as vscode-eslint's customMessages.ts declares its messages) and whether answering
// needs the runtime's main event loop. The client stub (connect.ts), the server's dispatch table
// (runtime/control/server.ts) and the params validation (runtime/control/params.ts) are typed from
// this table, so a method added here and missing there is a compile error.
import { NotificationType, ParameterStructures, RequestType, RequestType0 } from 'vscode-jsonrpc/node';
import type {
  BreakerSnapshot,
  CancelSessionParams,
  DrainParams,
  HelloParams,
  HelloResult,
  LogsParams,
  LogsResult,
  ReloadConfigResult,
  RuntimeEvent,
  RuntimeSnapshot,
  SessionRow,
  SetBreakerParams,
  SetSlowThresholdParams,
  SetTenantCapParams,
  StartCallsParams,
  StartCallsResult,
  SubscribeParams,
  TenantParams,
  TenantSnapshot,
} from './control';

export interface MethodDeclaration<T> {
  readonly type: T;
  /**
   * False when the answer is the runtime's published state (hello, snapshot, sessions) or the event
   * stream: a control thread can give it while the main loop is blocked. True when it acts on the
   * engine and must wait for the loop.
   */
  readonly needsMainLoop: boolean;
}

function withParams<P, R>(method: string, needsMainLoop: boolean): MethodDeclaration<RequestType<P, R, void>> {
  return { type: new RequestType<P, R, void>(method, ParameterStructures.byName), needsMainLoop };
}

function withoutParams<R>(method: string, needsMainLoop: boolean): MethodDeclaration<RequestType0<R, void>> {
  return { type: new RequestType0<R, void>(method), needsMainLoop };
}

export const controlMethods = {
  hello: withParams<HelloParams, HelloResult>('hello', false),
  snapshot: withoutParams<RuntimeSnapshot>('snapshot', false),
  sessions: withoutParams<SessionRow[]>('sessions', false),
  subscribe: withParams<SubscribeParams, null>('subscribe', false),
  unsubscribe: withoutParams<null>('unsubscribe', false),
  startCalls: withParams<StartCallsParams, StartCallsResult>('startCalls', true),
  cancelSession: withParams<CancelSessionParams, null>('cancelSession', true),
  setTenantCap: withParams<SetTenantCapParams, TenantSnapshot>('setTenantCap', true),
  setBreaker: withParams<SetBreakerParams, BreakerSnapshot>('setBreaker', true),
  setSlowThreshold: withParams<SetSlowThresholdParams, null>('setSlowThreshold', true),
  isolateTenant: withParams<TenantParams, TenantSnapshot>('isolateTenant', true),
  restoreTenant: withParams<TenantParams, TenantSnapshot>('restoreTenant', true),
  drain: withParams<DrainParams, null>('drain', true),
  reloadConfig: withoutParams<ReloadConfigResult>('reloadConfig', true),
  logs: withParams<LogsParams, LogsResult>('logs', true),
} as const;

export type MethodName = keyof typeof controlMethods;
type TypeOf<M extends MethodName> = (typeof controlMethods)[M]['type'];

/** A method's params (undefined for one that takes none), read off its declaration. */
export type ParamsOf<M extends MethodName> = TypeOf<M> extends RequestType<infer P, unknown, void> ? P : undefined;
/** A method's result, read off its declaration. */
export type ResultOf<M extends MethodName> =
  TypeOf<M> extends RequestType<unknown, infer R, void> ? R : TypeOf<M> extends RequestType0<infer R, void> ? R : never;

/** Method names, by name: `Methods.subscribe`. */
export const Methods = Object.fromEntries(Object.keys(controlMethods).map((m) => [m, m])) as {
  readonly [M in MethodName]: M;
};

export const METHOD_NAMES = Object.keys(controlMethods) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(controlMethods, name);
}

/** Server → client: one RuntimeEvent (after `subscribe`). */
export const EventNotification = new NotificationType<RuntimeEvent>('event');

export interface EventsDroppedParams {
  dropped: number;
}
/** Server → client, before the next event, when a slow subscriber lost some. */
export const EventsDroppedNotification = new NotificationType<EventsDroppedParams>('eventsDropped');
