// What the parent runtime and an isolated tenant's child process say to each other over the
// fork IPC channel (JSON serialisation). The parent owns admission, the breaker, the counts and
// the log file; the child only runs sessions and reports. Agent code inside the child can call
// process.send() too, so the parent treats every child message as outside input and validates it.
import type { LoopLag, StackFrame } from '../../protocol/control';
import type { LogLevel } from '../log-writer/log';
import type { AssignedJobWire } from '../livekit/job/job-source';
import type { LoopBlockReport, SessionLoopView } from '../loop-health/attribution-seam';
import type { FinalStatus, LateErrorOrigin } from '../session/session';

/** Tags every message so a stray process.send() from agent code is recognisable. */
export const IPC_TAG = 'openrtc-isolation/1';

export interface ChildInit {
  workspaceDir: string;
  tenant: string;
  agents: string | string[];
  slowThresholdMs: number;
  /** Hot-reload agent files in the child as the parent does. */
  watch: boolean;
  statsIntervalMs: number;
}

export interface SerializedError {
  name: string;
  message: string;
  /** Already mapped to the agent's source by the child. */
  stack: string;
}

export type EndReasonToChild = 'hang-up' | 'cancelled' | 'drain';

export type ParentMessage =
  | {
      tag: typeof IPC_TAG;
      type: 'start';
      session_id: string;
      agent_name: string;
      metadata: Record<string, unknown>;
      tenant_config: Record<string, unknown>;
      grace_ms: number;
      /** The LiveKit job this session runs (worker mode): the child hosts its room and job context. */
      livekit_job?: AssignedJobWire;
    }
  | { tag: typeof IPC_TAG; type: 'turn'; session_id: string; text: string }
  | { tag: typeof IPC_TAG; type: 'abort'; session_id: string; reason: EndReasonToChild; grace_ms: number }
  | { tag: typeof IPC_TAG; type: 'set_threshold'; threshold_ms: number }
  | { tag: typeof IPC_TAG; type: 'shutdown' };

export interface ChildLogRecord {
  level: LogLevel;
  session_id: string | null;
  agent_name: string | null;
  tenant: string | null;
  logger: string;
  message: string;
  exc_info?: string;
}

export type ChildMessage =
  | { tag: typeof IPC_TAG; type: 'ready'; agents: string[] }
  | { tag: typeof IPC_TAG; type: 'say'; session_id: string; text: string }
  | { tag: typeof IPC_TAG; type: 'ended'; session_id: string; status: FinalStatus; error: SerializedError | null }
  /** Code a session left behind threw after its end: still that tenant's failure. */
  | { tag: typeof IPC_TAG; type: 'late_error'; session_id: string; origin: LateErrorOrigin; error: SerializedError }
  | { tag: typeof IPC_TAG; type: 'log'; record: ChildLogRecord }
  | { tag: typeof IPC_TAG; type: 'stats'; loop_lag: LoopLag; rss_mb: number; sessions: Record<string, SessionLoopView> }
  | { tag: typeof IPC_TAG; type: 'block'; report: LoopBlockReport };

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'fatal'];
const FINAL_STATUSES: readonly FinalStatus[] = ['ended', 'failed', 'cancelled'];
const ERROR_ORIGINS: readonly LateErrorOrigin[] = ['uncaughtException', 'unhandledRejection', 'entryRejection'];
/** Bounds a misbehaving child cannot push the parent past. */
const MAX_TEXT = 1_000_000;

export class ChildMessageError extends Error {
  override name = 'ChildMessageError';
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function textProblem(key: string, where: string, orNull: string): ChildMessageError {
  return new ChildMessageError(`${where}: field '${key}' must be a string${orNull} of at most ${MAX_TEXT} characters`);
}

function str(o: Obj, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length > MAX_TEXT) throw textProblem(key, where, '');
  return v;
}

function nullableStr(o: Obj, key: string, where: string): string | null {
  const v = o[key];
  if (v === null) return null;
  if (typeof v !== 'string' || v.length > MAX_TEXT) throw textProblem(key, where, ' or null');
  return v;
}

function num(o: Obj, key: string, where: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new ChildMessageError(`${where}: field '${key}' must be a finite number`);
  return v;
}

function nullableNum(o: Obj, key: string, where: string): number | null {
  return o[key] === null ? null : num(o, key, where);
}

function oneOf<T extends string>(o: Obj, key: string, values: readonly T[], where: string): T {
  const v = o[key];
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v))
    throw new ChildMessageError(`${where}: field '${key}' must be one of ${values.join(', ')}`);
  return v as T;
}

function frames(v: unknown, where: string): StackFrame[] {
  if (!Array.isArray(v)) throw new ChildMessageError(`${where}: frames must be an array`);
  return v.map((f, i) => {
    if (!isObj(f)) throw new ChildMessageError(`${where}: frames[${i}] must be an object`);
    const at = `${where}.frames[${i}]`;
    return {
      function: str(f, 'function', at),
      file: str(f, 'file', at),
      line: num(f, 'line', at),
      column: num(f, 'column', at),
    };
  });
}

function error(v: unknown, where: string): SerializedError {
  if (!isObj(v)) throw new ChildMessageError(`${where}: error must be an object`);
  return { name: str(v, 'name', where), message: str(v, 'message', where), stack: str(v, 'stack', where) };
}

function loopLag(v: unknown, where: string): LoopLag {
  if (!isObj(v)) throw new ChildMessageError(`${where}: loop_lag must be an object`);
  return { p50_ms: num(v, 'p50_ms', where), p99_ms: num(v, 'p99_ms', where), max_ms: num(v, 'max_ms', where) };
}

function loopView(v: unknown, where: string): SessionLoopView {
  if (!isObj(v) || typeof v['slow'] !== 'boolean')
    throw new ChildMessageError(`${where}: must be { slow, blocked_ms_last, blocked_frames, cpu_pct }`);
  return {
    slow: v['slow'],
    blocked_ms_last: nullableNum(v, 'blocked_ms_last', where),
    blocked_frames: v['blocked_frames'] === null ? null : frames(v['blocked_frames'], where),
    cpu_pct: num(v, 'cpu_pct', where),
  };
}

/** Checks one message from a child; throws ChildMessageError saying which field and why. */
export function parseChildMessage(raw: unknown): ChildMessage {
  if (!isObj(raw) || raw['tag'] !== IPC_TAG)
    throw new ChildMessageError(`not an isolation message (missing tag '${IPC_TAG}')`);
  const type = raw['type'];
  const where = `child message '${String(type)}'`;
  const tag = IPC_TAG;
  switch (type) {
    case 'ready': {
      const agents = raw['agents'];
      if (!Array.isArray(agents) || !agents.every((a) => typeof a === 'string'))
        throw new ChildMessageError(`${where}: agents must be an array of strings`);
      return { tag, type, agents };
    }
    case 'say':
      return { tag, type, session_id: str(raw, 'session_id', where), text: str(raw, 'text', where) };
    case 'ended':
      return {
        tag,
        type,
        session_id: str(raw, 'session_id', where),
        status: oneOf(raw, 'status', FINAL_STATUSES, where),
        error: raw['error'] === null ? null : error(raw['error'], where),
      };
    case 'late_error':
      return {
        tag,
        type,
        session_id: str(raw, 'session_id', where),
        origin: oneOf(raw, 'origin', ERROR_ORIGINS, where),
        error: error(raw['error'], where),
      };
    case 'log': {
      const r = raw['record'];
      if (!isObj(r)) throw new ChildMessageError(`${where}: record must be an object`);
      const record: ChildLogRecord = {
        level: oneOf(r, 'level', LOG_LEVELS, where),
        session_id: nullableStr(r, 'session_id', where),
        agent_name: nullableStr(r, 'agent_name', where),
        tenant: nullableStr(r, 'tenant', where),
        logger: str(r, 'logger', where),
        message: str(r, 'message', where),
      };
      if (r['exc_info'] !== undefined) record.exc_info = str(r, 'exc_info', where);
      return { tag, type, record };
    }
    case 'stats': {
      const sessions = raw['sessions'];
      if (!isObj(sessions)) throw new ChildMessageError(`${where}: sessions must be an object`);
      const views: Record<string, SessionLoopView> = {};
      for (const [id, v] of Object.entries(sessions)) views[id] = loopView(v, `${where}.sessions.${id}`);
      return {
        tag,
        type,
        loop_lag: loopLag(raw['loop_lag'], where),
        rss_mb: num(raw, 'rss_mb', where),
        sessions: views,
      };
    }
    case 'block': {
      const r = raw['report'];
      if (!isObj(r)) throw new ChildMessageError(`${where}: report must be an object`);
      return {
        tag,
        type,
        report: {
          session_id: nullableStr(r, 'session_id', where),
          tenant: nullableStr(r, 'tenant', where),
          agent_name: nullableStr(r, 'agent_name', where),
          blocked_ms: num(r, 'blocked_ms', where),
          own_ms: num(r, 'own_ms', where),
          frames: frames(r['frames'], where),
        },
      };
    }
    default:
      throw new ChildMessageError(`unknown child message type ${JSON.stringify(type)}`);
  }
}

/** The child's side: its init arrives as a JSON argument; a bad one is refused before anything runs. */
export function parseChildInit(raw: string | undefined): ChildInit {
  if (raw === undefined)
    throw new Error('tenant child: missing init argument (this program is started by the runtime)');
  const v: unknown = JSON.parse(raw);
  if (!isObj(v)) throw new Error('tenant child: init must be a JSON object');
  const where = 'tenant child init';
  const agents = v['agents'];
  if (typeof agents !== 'string' && !(Array.isArray(agents) && agents.every((a) => typeof a === 'string'))) {
    throw new Error(`${where}: agents must be a string or an array of strings`);
  }
  if (typeof v['watch'] !== 'boolean') throw new Error(`${where}: watch must be true or false`);
  return {
    workspaceDir: str(v, 'workspaceDir', where),
    tenant: str(v, 'tenant', where),
    agents,
    slowThresholdMs: num(v, 'slowThresholdMs', where),
    watch: v['watch'],
    statsIntervalMs: num(v, 'statsIntervalMs', where),
  };
}

export function serializeError(err: unknown, mapStack: (stack: string) => string = (s) => s): SerializedError {
  if (err instanceof Error)
    return { name: err.name, message: err.message, stack: mapStack(err.stack ?? `${err.name}: ${err.message}`) };
  let text: string;
  try {
    text = typeof err === 'string' ? err : JSON.stringify(err);
  } catch {
    text = String(err);
  }
  return { name: 'Error', message: `non-Error thrown: ${text}`, stack: `non-Error thrown: ${text}` };
}

/** The parent's copy of a child's error: same name, message and (mapped) stack. */
export function reviveError(e: SerializedError): Error {
  const err = new Error(e.message);
  err.name = e.name;
  err.stack = e.stack;
  return err;
}
