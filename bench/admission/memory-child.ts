// One memory measurement in a fresh process (run with --expose-gc by run.ts):
//   memory-child.ts runtime|bare N  → prints {heap_bytes_per_session, rss_bytes_per_session}
// N idle sessions are opened and held; the difference in heap (after GC) and RSS against the
// same process before them, divided by N, is the cost of one idle session.
import { setTimeout as sleep } from 'node:timers/promises';
import { idleEntry } from './agent-logic';
import { bareCall, type BareCall } from './bare';
import { startBenchRuntime } from './start-runtime';
import { makeBenchWorkspace } from './workspace';

const [mode, rawCount] = process.argv.slice(2);
const count = Number(rawCount);
if ((mode !== 'runtime' && mode !== 'bare') || !Number.isInteger(count) || count < 1) {
  throw new Error('usage: memory-child.ts runtime|bare N');
}
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

async function settle(): Promise<{ heap: number; rss: number }> {
  for (let i = 0; i < 3; i++) {
    gc!();
    await sleep(50);
  }
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}

async function main(): Promise<void> {
  const runtime = mode === 'runtime' ? await startBenchRuntime(makeBenchWorkspace(count + 10)) : null;
  const held: BareCall[] = [];
  const before = await settle();
  if (runtime) {
    // A caller that thinks for ten minutes before its first turn: the session is admitted and idle.
    await runtime.startCalls({
      agent: 'idle',
      tenant: 'bench',
      count,
      concurrency: count,
      say: ['hi'],
      think_ms: 600_000,
      wait: false,
    });
    const deadline = Date.now() + 120_000;
    while (runtime.snapshot().active_sessions < count) {
      if (Date.now() > deadline)
        throw new Error(`only ${runtime.snapshot().active_sessions}/${count} sessions became active`);
      await sleep(50);
    }
  } else {
    for (let i = 0; i < count; i++) held.push(bareCall(idleEntry, []));
  }
  const after = await settle();
  const active = runtime ? runtime.snapshot().active_sessions : held.length;
  const result = JSON.stringify({
    mode,
    count,
    active,
    heap_bytes_per_session: (after.heap - before.heap) / count,
    rss_bytes_per_session: (after.rss - before.rss) / count,
  });
  for (const call of held) call.hangUp();
  await runtime?.stop();
  // stdout is a pipe (asynchronous): exit only once the line is out.
  process.stdout.write(`${result}\n`, () => process.exit(0));
}

void main();
