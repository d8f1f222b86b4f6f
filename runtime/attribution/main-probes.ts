// Globals the watchdog evaluates on the main thread through the inspector. A
// `Runtime.evaluate` posted from the worker is dispatched inside a V8 interrupt while the
// main thread runs JS, so these functions see the interrupted code's stack and its
// AsyncLocalStorage store, and no Debugger domain is needed. While the loop is idle the
// message is dispatched from the event loop instead, with no JS below it.
import { sessionStorage } from '../session/scope';
import { BLOCK_PROBE_GLOBAL, SESSION_ID_PROBE_GLOBAL, Slot, type BlockProbeResult, type RawFrame } from './messages';

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

export function installProbes(heartbeat: Float64Array, maxFrames: number): () => void {
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

  /** Session id running now; '' for JS outside any session; null when the loop is idle. */
  function sessionIdProbe(): string | null {
    const store = sessionStorage.getStore();
    if (store) return store.sessionId;
    return callSites(sessionIdProbe, 1).length > 0 ? '' : null;
  }

  for (const [name, value] of [
    [BLOCK_PROBE_GLOBAL, blockProbe],
    [SESSION_ID_PROBE_GLOBAL, sessionIdProbe],
  ] as const) {
    Object.defineProperty(globalThis, name, { value, configurable: true, enumerable: false, writable: false });
  }
  return () => {
    delete (globalThis as Record<string, unknown>)[BLOCK_PROBE_GLOBAL];
    delete (globalThis as Record<string, unknown>)[SESSION_ID_PROBE_GLOBAL];
  };
}
