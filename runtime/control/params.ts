// Validation of control-request params: one declarative spec per method, checked before
// the ControlApi is touched, so a bad request changes nothing. Errors name the method,
// the field and the reason. Unknown fields are refused (a typo must not be ignored).
import {
  ControlError,
  DEFAULT_LOOP_WAIT_MS,
  ErrorCodes,
  EVENT_TYPES,
  LOOP_WAIT_FIELD,
  MAX_LOOP_WAIT_MS,
} from '../../protocol/control';
import type { MethodName, ParamsOf } from '../../protocol/methods';
import { tenantIdProblem } from '../../protocol/tenant-id';

export const LOG_LEVEL_NAMES = ['trace', 'debug', 'info', 'warn', 'warning', 'error', 'critical', 'fatal'] as const;

type FieldSpec =
  | { kind: 'string'; maxLength: number }
  | { kind: 'tenant' }
  | { kind: 'int'; min: number; max: number; nullable?: boolean }
  | { kind: 'number'; min: number; max: number; minExclusive?: boolean }
  | { kind: 'boolean' }
  | { kind: 'strings'; maxItems: number; maxLength: number }
  | { kind: 'oneOf'; values: readonly string[]; caseInsensitive?: boolean }
  | { kind: 'oneOfList'; values: readonly string[] }
  | { kind: 'object' };

export type ParamsSpec = Record<string, FieldSpec & { required?: boolean }>;

/** A field's spec says `required: true` exactly when the declared params type requires the field. */
type FieldFor<P, K extends keyof P> = FieldSpec &
  (object extends Pick<P, K> ? { required?: false } : { required: true });
/** The spec a method's declared params call for: one entry per field, none for a method without params. */
type SpecFor<P> = [P] extends [undefined] ? Record<never, never> : { [K in keyof Required<P>]: FieldFor<P, K> };
/** One spec per declared method (protocol/methods.ts): a method or a field without one does not compile. */
export type ParamSpecs = { [M in MethodName]: SpecFor<ParamsOf<M>> };

const tenant = { kind: 'tenant' } as const;
const DAY_S = 86_400;

/** Params of every method; `{}` for one that takes none. */
export const paramSpecs = {
  hello: {
    client: { kind: 'string', maxLength: 200, required: true },
    protocol_version: { kind: 'int', min: 1, max: 1_000_000, required: true },
  },
  snapshot: {},
  sessions: {},
  subscribe: { types: { kind: 'oneOfList', values: EVENT_TYPES } },
  unsubscribe: {},
  startCalls: {
    agent: { kind: 'string', maxLength: 200, required: true },
    tenant,
    metadata: { kind: 'object' },
    say: { kind: 'strings', maxItems: 1000, maxLength: 10_000 },
    count: { kind: 'int', min: 1, max: 100_000 },
    concurrency: { kind: 'int', min: 1, max: 10_000 },
    rate: { kind: 'number', min: 0, max: 100_000, minExclusive: true },
    think_ms: { kind: 'int', min: 0, max: 600_000 },
    reply_timeout_ms: { kind: 'int', min: 0, max: 600_000 },
    wait: { kind: 'boolean' },
    voice: { kind: 'boolean' },
    voice_name: { kind: 'string', maxLength: 40 },
    voice_rate: { kind: 'int', min: 80, max: 450 },
    barge_in: { kind: 'boolean' },
  },
  cancelSession: { session_id: { kind: 'string', maxLength: 200, required: true } },
  setTenantCap: {
    tenant: { ...tenant, required: true },
    cap: { kind: 'int', min: 0, max: 1_000_000, nullable: true, required: true },
  },
  setBreaker: {
    tenant: { ...tenant, required: true },
    enabled: { kind: 'boolean' },
    cooldown_s: { kind: 'number', min: 0, max: DAY_S, minExclusive: true },
    failure_ratio: { kind: 'number', min: 0, max: 1 },
    min_samples: { kind: 'int', min: 1, max: 100_000 },
    window_s: { kind: 'number', min: 0, max: DAY_S, minExclusive: true },
    max_cooldown_s: { kind: 'number', min: 0, max: DAY_S, minExclusive: true },
    half_open_probes: { kind: 'int', min: 1, max: 1000 },
  },
  setSlowThreshold: { threshold_ms: { kind: 'int', min: 1, max: 600_000, required: true } },
  isolateTenant: { tenant: { ...tenant, required: true } },
  restoreTenant: { tenant: { ...tenant, required: true } },
  drain: { timeout_s: { kind: 'number', min: 0, max: 3600 } },
  reloadConfig: {},
  logs: {
    session_id: { kind: 'string', maxLength: 200 },
    tenant,
    agent_name: { kind: 'string', maxLength: 200 },
    level: { kind: 'oneOf', values: LOG_LEVEL_NAMES, caseInsensitive: true },
    limit: { kind: 'int', min: 1, max: 100_000 },
    after_offset: { kind: 'int', min: 0, max: Number.MAX_SAFE_INTEGER },
  },
} as const satisfies ParamSpecs;

function invalid(method: string, message: string, code: number = ErrorCodes.InvalidParams): ControlError {
  return new ControlError(code, `${method}: ${message}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function checkField(method: string, name: string, spec: FieldSpec, value: unknown): void {
  const bad = (why: string): ControlError => invalid(method, `field '${name}' ${why}; got ${describe(value)}`);
  switch (spec.kind) {
    case 'string':
      if (typeof value !== 'string' || value.length === 0) throw bad('must be a non-empty string');
      if (value.length > spec.maxLength) throw bad(`must be at most ${spec.maxLength} characters`);
      return;
    case 'tenant': {
      const problem = tenantIdProblem(value);
      if (problem) throw invalid(method, `field '${name}': ${problem}`, ErrorCodes.InvalidTenantId);
      return;
    }
    case 'int':
      if (value === null && spec.nullable) return;
      if (typeof value !== 'number' || !Number.isInteger(value))
        throw bad(`must be an integer${spec.nullable ? ' or null' : ''}`);
      if (value < spec.min || value > spec.max) throw bad(`must be between ${spec.min} and ${spec.max}`);
      return;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw bad('must be a finite number');
      if (value > spec.max || value < spec.min || (spec.minExclusive && value === spec.min)) {
        throw bad(`must be ${spec.minExclusive ? 'greater than' : 'at least'} ${spec.min} and at most ${spec.max}`);
      }
      return;
    case 'boolean':
      if (typeof value !== 'boolean') throw bad('must be true or false');
      return;
    case 'strings':
      if (!Array.isArray(value)) throw bad('must be an array of strings');
      if (value.length > spec.maxItems) throw bad(`must have at most ${spec.maxItems} items`);
      value.forEach((item, i) => {
        if (typeof item !== 'string')
          throw invalid(method, `field '${name}[${i}]' must be a string; got ${describe(item)}`);
        if (item.length > spec.maxLength)
          throw invalid(method, `field '${name}[${i}]' must be at most ${spec.maxLength} characters`);
      });
      return;
    case 'oneOf': {
      const text = typeof value === 'string' && spec.caseInsensitive ? value.toLowerCase() : value;
      if (typeof text !== 'string' || !spec.values.includes(text))
        throw bad(`must be one of ${spec.values.join(', ')}`);
      return;
    }
    case 'oneOfList':
      if (!Array.isArray(value)) throw bad('must be an array');
      value.forEach((item, i) => {
        if (typeof item !== 'string' || !spec.values.includes(item)) {
          throw invalid(
            method,
            `field '${name}[${i}]' must be one of ${spec.values.join(', ')}; got ${describe(item)}`,
          );
        }
      });
      return;
    case 'object':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('must be an object');
      return;
  }
}

/**
 * Checks raw JSON-RPC params for `method` and returns them as a plain object (omitted params = {}).
 * Throws ControlError (InvalidParams, or InvalidTenantId for a bad tenant id).
 */
export function validateParams(method: MethodName, raw: unknown): Record<string, unknown> {
  const spec: ParamsSpec = paramSpecs[method];
  if (raw === undefined || raw === null) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw invalid(method, `params must be an object (by-name), got ${describe(raw)}`);
  }
  const params = raw as Record<string, unknown>;
  for (const key of Object.keys(params)) {
    if (!Object.hasOwn(spec, key)) {
      const allowed = Object.keys(spec);
      throw invalid(
        method,
        `unknown field '${key}' (${allowed.length ? `allowed: ${allowed.join(', ')}` : 'this method takes no params'})`,
      );
    }
  }
  for (const [name, field] of Object.entries(spec)) {
    if (params[name] === undefined) {
      if (field.required) throw invalid(method, `field '${name}' is required`);
      continue;
    }
    checkField(method, name, field, params[name]);
  }
  return params;
}

/**
 * Takes the optional loop-wait bound off a request's raw params (see LOOP_WAIT_FIELD) and returns
 * it with the params left for validateParams. Throws InvalidParams for a bad bound.
 */
export function takeLoopWait(method: string, raw: unknown): { waitMs: number; params: unknown } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || !Object.hasOwn(raw, LOOP_WAIT_FIELD))
    return { waitMs: DEFAULT_LOOP_WAIT_MS, params: raw };
  const { [LOOP_WAIT_FIELD]: value, ...params } = raw as Record<string, unknown>;
  checkField(method, LOOP_WAIT_FIELD, { kind: 'int', min: 0, max: MAX_LOOP_WAIT_MS }, value);
  return { waitMs: value as number, params };
}
