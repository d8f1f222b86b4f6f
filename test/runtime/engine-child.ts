// A real runtime in a child process, for tests that need process-level behaviour: errors that
// reach process 'uncaughtException'/'unhandledRejection' (node:test installs its own handlers in
// a test process), and signals. Prints one JSON line with its results on stdout.
//   engine-child.ts containment <workspace>
//   engine-child.ts serve <workspace>      runs load until SIGTERM/SIGINT, then stops and reports
import { writeSync } from 'node:fs';
import { Runtime } from '../../runtime/runtime';

async function containment(dir: string): Promise<void> {
  const rt = await Runtime.start({ workspaceDir: dir, watch: false, callScript: { replyTimeoutMs: 2000 } });
  const say = ['hello', 'bye'];
  const [timer, rejection, good] = await Promise.all([
    rt.startCalls({ agent: 'timer-throw', tenant: 'bad', count: 50, concurrency: 50 }),
    rt.startCalls({ agent: 'leaky-reject', tenant: 'bad', count: 50, concurrency: 50 }),
    rt.startCalls({ agent: 'echo', tenant: 'good', count: 100, concurrency: 100, say }),
  ]);
  // After the storm: the runtime still serves.
  const afterwards = await rt.startCalls({ agent: 'echo', tenant: 'good', count: 20, concurrency: 5, say });
  // Give late throws (timers firing after their session ended) time to land.
  await new Promise((r) => setTimeout(r, 300));
  const snap = rt.snapshot();
  await rt.stop();
  const out = {
    timer,
    rejection,
    good,
    afterwards,
    tenants: snap.tenants,
    total_session_failures: snap.total_session_failures,
    last_error: snap.last_error,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

async function serve(dir: string): Promise<void> {
  const rt = await Runtime.start({ workspaceDir: dir, watch: false, callScript: { replyTimeoutMs: 2000 } });
  for (const tenant of ['acme', 'beta']) {
    void rt.startCalls({
      agent: 'chatty',
      tenant,
      count: 100_000,
      concurrency: 25,
      rate: 300,
      think_ms: 60,
      say: ['one', 'two', 'three'],
    });
  }
  // On a signal: stop at once. Sessions still live are cancelled inside stop(), so their end
  // records are the last lines written before exit: they must reach the file.
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    const liveAtSignal = rt.snapshot().active_sessions;
    await rt.stop();
    const snap = rt.snapshot();
    // Synchronous: stdout to a pipe is asynchronous and process.exit would drop the line.
    writeSync(
      1,
      JSON.stringify({
        signal,
        live_at_signal: liveAtSignal,
        total_sessions_started: snap.total_sessions_started,
        log_file: rt.logFile,
      }) + '\n',
    );
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.stdout.write('ready\n');
}

const [mode, dir] = process.argv.slice(2);
if (!dir || (mode !== 'containment' && mode !== 'serve')) {
  process.stderr.write('usage: engine-child.ts containment|serve <workspace>\n');
  process.exit(2);
}
(mode === 'containment' ? containment(dir) : serve(dir)).catch((err: unknown) => {
  process.stderr.write(`engine-child failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
