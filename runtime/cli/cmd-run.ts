// `openrtc run [DIR] [--socket PATH]`: a runtime for the workspace in DIR, in the foreground.
// Prints one line with the socket path once it listens; SIGINT/SIGTERM drain it and exit 0
// (a second signal stops at once, cancelling live sessions, and exits 1).
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { disposeAgentsNative } from '../agents/livekit/agents-module';
import { startControlServer, type ControlServer } from '../control/server';
import { startControlThread } from '../control/thread/control-host';
import { defaultSocketPath } from '../../protocol/socket-path';
import { SocketPathError } from '../control/socket-path';
import type { Runtime } from '../runtime';
import type { LoopAttribution } from '../attribution/loop-attribution';
import { reportToSupervisor } from './supervisor/child-process';
import { runSupervised, wantsStallExit } from './supervisor/run-supervised';
import {
  CliError,
  EXIT_FAILED,
  EXIT_OK,
  EXIT_USAGE,
  numberArg,
  parseCommandArgs,
  usageError,
  type Command,
} from './command';

const USAGE = `usage: openrtc run [DIR] [--socket PATH] [--drain-timeout S] [--livekit] [--supervise | --no-supervise]

Starts a runtime for the workspace in DIR (default .): reads DIR/openrtc.json, loads its agents,
writes scoped JSONL logs, and serves the control socket until SIGINT or SIGTERM, then drains
(live calls run to hang-up, at most S seconds, default 30) and exits 0.
The socket defaults to $OPENRTC_SOCKET, else a per-workspace path under
$XDG_RUNTIME_DIR/openrtc-<uid>/ (or the temp dir); the path is printed once listening.
--livekit also registers with a LiveKit server as an agent worker (one registration per agent
name) and takes its jobs through the same admission: LIVEKIT_URL, LIVEKIT_API_KEY and
LIVEKIT_API_SECRET from the environment (or the variables openrtc.json's livekit block names).
SIGTERM then reports FULL to the server, lets live jobs finish and exits 0.
--supervise runs the runtime in a child process and restarts it when it crashes or exits for a
stuck loop (exit code 75, loop_stall_exit_s), with a backoff; five crashes within 60 s hold
restarts for 120 s. On by default when openrtc.json sets loop_stall_exit_s; --no-supervise turns it off.`;

function workspaceDir(arg: string | undefined, cwd: string): string {
  const dir = resolve(cwd, arg ?? '.');
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw usageError(`workspace ${dir} does not exist`);
  }
  if (!isDir) throw usageError(`workspace ${dir} is not a directory`);
  return dir;
}

export const runCommand: Command = {
  name: 'run',
  summary: 'start a runtime for a workspace (foreground; Ctrl-C drains and exits)',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      socket: { type: 'string' },
      'drain-timeout': { type: 'string' },
      livekit: { type: 'boolean' },
      supervise: { type: 'boolean' },
      'no-supervise': { type: 'boolean' },
    });
    if (values.help) {
      io.out(USAGE);
      return EXIT_OK;
    }
    if (positionals.length > 1) throw usageError(`unexpected argument ${JSON.stringify(positionals[1])}`);
    const dir = workspaceDir(positionals[0], io.cwd);
    const drainTimeoutArg = numberArg('--drain-timeout', values['drain-timeout'], 0, 3600);
    const explicit = values.socket ?? (io.env.OPENRTC_SOCKET || undefined);
    const socketPath = explicit ? resolve(io.cwd, explicit) : defaultSocketPath(dir, io.env);
    if (values.supervise && values['no-supervise'])
      throw usageError('--supervise and --no-supervise contradict each other');
    if (!values['no-supervise'] && (values.supervise || (await wantsStallExit(dir)))) {
      return runSupervised(
        argv.filter((a) => a !== '--supervise'),
        io,
      );
    }

    // Loaded on demand: the engine is most of the bundle, and the other commands do not need it.
    const [{ Runtime, RUNTIME_VERSION }, { attributionFor }, { ConfigError }, liveKit] = await Promise.all([
      import('../runtime.js'),
      import('../attribution/index.js'),
      import('../config/types.js'),
      values.livekit ? import('../livekit/worker/index.js') : Promise.resolve(null),
    ]);
    let runtime: Runtime | undefined;
    let loop: LoopAttribution | undefined;
    // Set once the control server is up; until then a memory-limit drain has nothing more to close.
    let onMemoryLimit = (): void => undefined;
    try {
      // The getter lets loop-block frames in agent bundles map back to the agent's source.
      runtime = await Runtime.start({
        workspaceDir: dir,
        attribution: (opts) => (loop = attributionFor(() => runtime)(opts)),
        onMemoryLimitDrained: () => onMemoryLimit(),
      });
    } catch (error) {
      if (error instanceof ConfigError) throw new CliError(EXIT_FAILED, `refusing to start: ${error.message}`);
      throw error;
    }
    let server: ControlServer;
    const serverOptions = {
      api: runtime,
      socketPath,
      privateDir: !explicit,
      onConnectionDropped: (reason: string) => io.err(`openrtc run: closed a control connection: ${reason}`),
    };
    try {
      // Off the main loop, so an agent blocking it cannot blind the operator (docs/cpu-and-blocking.md).
      server = await startControlThread({ ...serverOptions, liveFeed: loop?.takeLiveFeed() }).catch((error) => {
        if (error instanceof SocketPathError) throw error;
        io.err(
          `openrtc run: the control thread did not start (${error instanceof Error ? error.message : String(error)}); serving the socket on the main loop`,
        );
        return startControlServer(serverOptions);
      });
    } catch (error) {
      await runtime.stop();
      if (error instanceof SocketPathError) throw new CliError(EXIT_USAGE, error.message);
      throw error;
    }
    io.out(`openrtc: runtime for ${dir} listening on ${server.socketPath} (log ${runtime.logFile})`);
    // Set once the signal handlers are; a supervisor gone before that leaves nothing to stop yet.
    let stopNow = (): void => undefined;
    reportToSupervisor(io.env, () => {
      io.err('openrtc run: the supervising openrtc run is gone; stopping');
      stopNow();
    });
    let workers: { drain(): Promise<void>; close(): void } | null = null;
    let drainTimeout = drainTimeoutArg ?? 30;
    if (liveKit) {
      try {
        const host = runtime.jobHost();
        const captured = liveKit.capturedAgentNames(host.agentNames().map((n) => host.agent(n)));
        const settings = liveKit.resolveLiveKitSettings(runtime.liveKitConfig(), io.env, captured);
        drainTimeout = drainTimeoutArg ?? settings.drainTimeoutS;
        workers = liveKit.WorkerMode.start(runtime, settings, RUNTIME_VERSION);
        io.out(
          `openrtc: LiveKit worker mode: ${liveKit.publicUrl(settings.url)}, agent name(s) ${settings.agentNames.map((n) => JSON.stringify(n)).join(', ')}`,
        );
      } catch (error) {
        await server.close();
        await runtime.stop();
        if (error instanceof liveKit.LiveKitSettingsError) throw new CliError(EXIT_USAGE, error.message);
        throw error;
      }
    }

    return new Promise<number>((resolveExit) => {
      // rtc-node's native resources (agents-js agents) are released once, as the process ends.
      const done = (code: number): void => void disposeAgentsNative().finally(() => resolveExit(code));
      let stopping = false;
      // memory_limit_mb: the runtime has drained; exit non-zero so a supervisor restarts the worker.
      onMemoryLimit = () => {
        stopping = true;
        io.err('openrtc run: memory_limit_mb exceeded; drained, exiting 1 so a supervisor restarts the worker');
        workers?.close();
        void Promise.all([server.close(), runtime.stop()]).finally(() => done(EXIT_FAILED));
      };
      stopNow = () => {
        stopping = true;
        workers?.close();
        void Promise.all([server.close(), runtime.stop()]).finally(() => done(EXIT_FAILED));
      };
      const onSignal = (signal: NodeJS.Signals): void => {
        if (stopping) {
          io.err(`openrtc run: ${signal} again: stopping now, cancelling live sessions`);
          stopNow();
          return;
        }
        stopping = true;
        io.err(`openrtc run: ${signal}: draining (live calls run to hang-up, at most ${drainTimeout}s)`);
        void (async () => {
          try {
            // LiveKit hears FULL at once; its live jobs finish within the same drain.
            await Promise.all([workers?.drain(), runtime.drain({ timeout_s: drainTimeout })]);
          } finally {
            workers?.close();
            await server.close();
            await runtime.stop();
          }
          io.err('openrtc run: drained and stopped');
          done(EXIT_OK);
        })();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
  },
};
