// The real child runtime of a supervising `openrtc run`: the same CLI entry, `run ... --no-supervise`,
// with an IPC channel over which the child says when it serves, and by whose closing it learns that
// its supervisor is gone. Its own process group, so a terminal's Ctrl-C reaches only the supervisor,
// which forwards it once (the child would otherwise take the second copy as "stop now").
import { spawn } from 'node:child_process';
import type { SupervisedChild } from './supervisor';

/** Set in the child's environment; the child then reports readiness and follows its supervisor out. */
export const SUPERVISED_ENV = 'OPENRTC_SUPERVISED';
const READY = 'openrtc-ready';

export function spawnChildRuntime(runArgs: readonly string[], env: NodeJS.ProcessEnv, cwd: string): SupervisedChild {
  const entry = process.argv[1];
  if (!entry) throw new Error('openrtc run: cannot tell the CLI entry to start a child runtime with');
  const child = spawn(process.execPath, [...process.execArgv, entry, 'run', ...runArgs, '--no-supervise'], {
    cwd,
    env: { ...env, [SUPERVISED_ENV]: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    detached: true,
  });
  return {
    pid: child.pid,
    onReady: (listener) => child.on('message', (msg) => msg === READY && listener()),
    onExit: (listener) => child.once('exit', (code, signal) => listener(code, signal)),
    kill: (signal) => void child.kill(signal),
  };
}

/** In the child: tell the supervisor it serves; exit if the supervisor dies. No-op when unsupervised. */
export function reportToSupervisor(env: NodeJS.ProcessEnv, onOrphaned: () => void): void {
  if (env[SUPERVISED_ENV] !== '1' || !process.send) return;
  process.send(READY);
  process.once('disconnect', onOrphaned);
  // The channel must not keep a drained runtime alive.
  process.channel?.unref();
}
