// bench/livekit: our runtime in worker mode, in its own process (as in production), on a
// workspace whose agent records when `entry` runs. Env: LIVEKIT_*, BENCH_WS (workspace dir).
import { Runtime, RUNTIME_VERSION } from '../../runtime/runtime';
import { resolveLiveKitSettings, WorkerMode } from '../../runtime/livekit/worker/index';

void (async () => {
  const rt = await Runtime.start({ workspaceDir: process.env.BENCH_WS ?? '.', watch: false });
  const mode = WorkerMode.start(rt, resolveLiveKitSettings(rt.liveKitConfig(), process.env), RUNTIME_VERSION);
  process.on('SIGTERM', () => {
    mode.close();
    void rt.stop().then(() => process.exit(0));
  });
})();
