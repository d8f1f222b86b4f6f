// agents-js logs through one process-wide pino logger kept at a Symbol.for key (log_core.ts),
// which LiveKit's job child stamps with its one job. Here many jobs share the process, so the
// slot gets one logger, once, whose mixin reads our session scope (AsyncLocalStorage) at the
// call: each record lands in the runtime's JSONL with the session_id, tenant and agent_name of
// the session it was written in (null outside one), at its level, with `logger` naming the
// agents-js module that wrote it. Bindings are dropped on purpose: agents-js binds whole
// running-job objects (tokens included) and PII-tagged fields to its child loggers.
import { Writable } from 'node:stream';
import pino from 'pino';
import type { LogLevel } from '../../log-writer/log';
import { systemClock, type Clock } from '../../policy/clock';
import { sessionStorage, type SessionScope } from '../../session/scope';
import { RepeatLimit } from './repeat-limit';

const LOGGER_KEY = Symbol.for('@livekit/agents:logger');
const LOGGER_OPTIONS_KEY = Symbol.for('@livekit/agents:loggerOptions');
const SCOPE_FIELD = '__openrtc_scope';
const MODULE_FIELD = '__openrtc_module';
/** debug records from agents-js are per frame and per turn: off unless asked for. */
const DEFAULT_LEVEL = 'info';
/** A record repeated more than 5 times in 10 s in one session is a flood (repeat-limit.ts). */
const REPEATS = { windowMs: 10_000, burst: 5, maxKeys: 2000 };

/** Where agents-js records go: the runtime's log (RuntimeLog, or ChildLog in a tenant's child). */
export interface AgentsLogSink {
  write(level: LogLevel, scope: SessionScope | null, logger: string, message: string, excInfo?: string): void;
}

let sink: AgentsLogSink | null = null;
let installed = false;

/**
 * Sends agents-js records to `target` until the returned function is called. The slot is per
 * process, so with several runtimes in one process (tests) the last one started gets them.
 */
export function routeAgentsLogs(target: AgentsLogSink): () => void {
  sink = target;
  return () => {
    if (sink === target) sink = null;
  };
}

/** Fills agents-js's logger slot once per process; later calls do nothing. */
export function installAgentsLogger(
  level: string = process.env['OPENRTC_AGENTS_LOG_LEVEL'] ?? DEFAULT_LEVEL,
  clock: Clock = systemClock,
): void {
  if (installed) return;
  installed = true;
  const repeats = new RepeatLimit(REPEATS);
  const logger = pino(
    {
      level,
      base: null,
      // Before pino builds the record (the mixin's stack capture, serialisation): a flood stops here.
      hooks: {
        logMethod(args, method, levelValue) {
          const at = typeof args[0] === 'string' ? 0 : 1;
          const message = args[at];
          if (typeof message !== 'string') return method.apply(this, args);
          const key = `${sessionStorage.getStore()?.sessionId ?? ''}\0${levelValue}\0${message}`;
          const held = repeats.admit(key, clock.now());
          if (held === null) return;
          if (held > 0) args[at] = `${message} (${held} more like it in this session were not logged)`;
          method.apply(this, args);
        },
      },
      serializers: { error: pino.stdSerializers.err, err: pino.stdSerializers.err },
      mixin: () => ({ [SCOPE_FIELD]: sessionStorage.getStore() ?? null, [MODULE_FIELD]: callerModule() }),
    },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        forward(chunk.toString('utf8'));
        done();
      },
    }),
  );
  const globals = globalThis as Record<symbol, unknown>;
  globals[LOGGER_KEY] = logger;
  globals[LOGGER_OPTIONS_KEY] = { pretty: false, level };
}

const PINO_LEVELS: Record<number, LogLevel> = {
  10: 'debug',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

interface PinoRecord {
  level?: number;
  msg?: unknown;
  err?: { stack?: unknown };
  error?: { stack?: unknown; message?: unknown };
  [SCOPE_FIELD]?: SessionScope | null;
  [MODULE_FIELD]?: string;
}

/** One serialised pino record → one record of ours. Exported for its test. */
export function forward(line: string): void {
  if (!sink) return;
  let record: PinoRecord;
  try {
    record = JSON.parse(line) as PinoRecord;
  } catch {
    return;
  }
  const failure = record.err ?? record.error;
  const stack = failure && typeof failure.stack === 'string' ? failure.stack : undefined;
  const scope = record[SCOPE_FIELD];
  sink.write(
    PINO_LEVELS[record.level ?? 30] ?? 'info',
    scope ? { sessionId: scope.sessionId, tenant: scope.tenant, agentName: scope.agentName } : null,
    record[MODULE_FIELD] ?? 'livekit.agents',
    typeof record.msg === 'string' ? record.msg : '',
    stack,
  );
}

const AGENTS_FRAME = /@livekit[\\/]agents[\\/](?:dist|src)[\\/]([^:)]+?)\.(?:c?js|ts)/;

/**
 * `livekit.agents.<module>` of the agents-js frame that called the logger (records are rare
 * enough at info level for a stack per record). Pino's own frames come first; the first
 * agents-js frame is the writer.
 */
function callerModule(): string {
  const stack = new Error().stack ?? '';
  const m = AGENTS_FRAME.exec(stack);
  return m ? `livekit.agents.${m[1]!.replace(/[\\/]/g, '.')}` : 'livekit.agents';
}
