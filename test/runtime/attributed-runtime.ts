// What the attribution tests on a whole runtime share: a real Runtime with real loop attribution
// (runtime/attribution) on a test workspace, stopped and the workspace removed when the test
// ends, and the slow_session events it streams.
import type { TestContext } from 'node:test';
import type { RuntimeEvent } from '../../protocol/control';
import { attributionFor, type LoopAttribution } from '../../runtime/attribution';
import { Runtime } from '../../runtime/runtime';
import type { Workspace } from './engine-workspace';

export type SlowSessionEvent = Extract<RuntimeEvent, { type: 'slow_session' }>;

export interface AttributedRuntime {
  rt: Runtime;
  /** The attribution the runtime started: reports and per-session state, as the runtime reads them. */
  engine: LoopAttribution;
}

export async function startAttributedRuntime(t: TestContext, ws: Workspace): Promise<AttributedRuntime> {
  let runtime: Runtime | undefined;
  let engine: LoopAttribution | undefined;
  const factory = attributionFor(() => runtime);
  const rt = (runtime = await Runtime.start({
    workspaceDir: ws.dir,
    watch: false,
    attribution: (opts) => (engine = factory(opts)),
  }));
  // The runtime's own timers are unref'd (its control socket keeps a real process alive).
  const keepAlive = setInterval(() => {}, 1000);
  t.after(async () => {
    clearInterval(keepAlive);
    await rt.stop(); // idempotent: a test may have stopped it already, to flush the log
    ws.cleanup();
  });
  if (!engine) throw new Error('Runtime.start did not start the attribution it was given');
  return { rt, engine };
}

/** The slow_session events blamed on a session from now on; stalls outside any session (a
 *  contended host's) are left out. */
export function sessionBlocks(rt: Runtime): SlowSessionEvent[] {
  const events: SlowSessionEvent[] = [];
  rt.onEvent((e) => {
    if (e.type === 'slow_session' && e.session_id !== null) events.push(e);
  });
  return events;
}
