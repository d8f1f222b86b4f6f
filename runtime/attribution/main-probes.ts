// Globals the watchdog evaluates on the main thread through the inspector. A
// `Runtime.evaluate` posted from the worker is dispatched inside a V8 interrupt while the
// main thread runs JS, so these functions see the interrupted code's stack and its
// AsyncLocalStorage store, and no Debugger domain is needed. While the loop is idle the
// message is dispatched from the event loop instead, with no JS below it.
import { sessionStorage } from '../session/scope';
import {
  BLOCK_PROBE_GLOBAL,
  SCRIPT_MAPS_PROBE_GLOBAL,
  RUNNING_PROBE_GLOBAL,
  STALL_EXIT_GLOBAL,
  Slot,
  type BlockProbeResult,
  type RunningProbeResult,
  type RawFrame,
  type StallExitWire,
} from './messages';

type Probe = (...args: never[]) => unknown;

/** V8 call sites below `above`, skipping the evaluated script's own frame. */
function callSites(above: Probe, limit: number): NodeJS.CallSite[] {
  // A V8 hook saved to be restored, never called here.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const prevPrepare = Error.prepareStackTrace;
  const prevLimit = Error.stackTraceLimit;
  const holder: { stack?: unknown } = {};
  let stack: unknown;
  try {
    Error.stackTraceLimit = limit + 1;
    Error.prepareStackTrace = (_err, sites) => sites;
    Error.captureStackTrace(holder, above);
    // `stack` is formatted lazily on first read: read it while our prepareStackTrace is set.
    stack = holder.stack;
  } finally {
    Error.prepareStackTrace = prevPrepare;
    Error.stackTraceLimit = prevLimit;
  }
  const sites = Array.isArray(stack) ? (stack as NodeJS.CallSite[]) : [];
  // The first site is the top level of the expression the inspector evaluated.
  return sites.slice(1);
}

function rawFrame(site: NodeJS.CallSite): RawFrame {
  return {
    function: site.getFunctionName() ?? site.getMethodName() ?? '<anonymous>',
    file: site.getFileName() ?? site.getScriptNameOrSourceURL() ?? '',
    line: site.getLineNumber() ?? 0,
    column: site.getColumnNumber() ?? 0,
  };
}

/** CPU ms of the main thread where Node can tell (22.15+), else of the whole process. */
export const cpuNowMs: () => number =
  typeof (process as { threadCpuUsage?: unknown }).threadCpuUsage === 'function'
    ? () => {
        const u = (process as unknown as { threadCpuUsage(): NodeJS.CpuUsage }).threadCpuUsage();
        return (u.user + u.system) / 1000;
      }
    : () => {
        const u = process.cpuUsage();
        return (u.user + u.system) / 1000;
      };

/**
 * `mapUrlOf`: the source-map URL of a script evaluated from memory, null when it has none or is unknown.
 * `onStallExit`: what to do once a stall reaches `Slot.stallExitMs` (runs inside the stall).
 */
export function installProbes(
  heartbeat: Float64Array,
  maxFrames: number,
  mapUrlOf: (scriptName: string) => string | null,
  onStallExit: (stall: StallExitWire) => void,
): () => void {
  function blockProbe(stamp: number): string {
    const inBlock = heartbeat[Slot.heartbeat] === stamp;
    const store = inBlock ? sessionStorage.getStore() : undefined;
    const now = performance.timeOrigin + performance.now();
    const result: BlockProbeResult = {
      in_block: inBlock,
      scope: store ? { session_id: store.sessionId, tenant: store.tenant, agent_name: store.agentName } : null,
      frames: inBlock
        ? callSites(blockProbe, maxFrames * 2)
            .map(rawFrame)
            // Node internals and V8 builtins (no file) say nothing about whose code it is.
            .filter((f) => f.file !== '' && !f.file.startsWith('node:'))
            .slice(0, maxFrames)
        : [],
      sampled_at: now,
    };
    return JSON.stringify(result);
  }

  /** Whose code runs now (scope null: JS outside any session), as JSON; null when the loop is idle. */
  function runningProbe(): string | null {
    const store = sessionStorage.getStore();
    if (!store && callSites(runningProbe, 1).length === 0) return null;
    const result: RunningProbeResult = {
      stamp: heartbeat[Slot.heartbeat] ?? 0,
      at: performance.timeOrigin + performance.now(),
      scope: store ? { session_id: store.sessionId, tenant: store.tenant, agent_name: store.agentName } : null,
    };
    return JSON.stringify(result);
  }

  /** JSON of { script name → map URL | null }; a lookup in the runtime's own tables, so safe mid-block. */
  function scriptMapsProbe(names: string[]): string {
    return JSON.stringify(Object.fromEntries(names.map((name) => [name, mapUrlOf(name)])));
  }

  function stallExit(json: string): void {
    onStallExit(JSON.parse(json) as StallExitWire);
  }

  const globals = [
    [BLOCK_PROBE_GLOBAL, blockProbe],
    [RUNNING_PROBE_GLOBAL, runningProbe],
    [SCRIPT_MAPS_PROBE_GLOBAL, scriptMapsProbe],
    [STALL_EXIT_GLOBAL, stallExit],
  ] as const;
  for (const [name, value] of globals) {
    Object.defineProperty(globalThis, name, { value, configurable: true, enumerable: false, writable: false });
  }
  return () => {
    for (const [name] of globals) delete (globalThis as Record<string, unknown>)[name];
  };
}
