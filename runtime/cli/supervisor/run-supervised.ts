// `openrtc run` in supervising mode: the wiring of Supervisor to real processes, timers and
// signals. Chosen with --supervise, or by openrtc.json asking for a stall exit (a runtime that exits
// on a stuck loop is only useful with someone to start it again).
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { EXIT_LOOP_STALLED } from '../../engine/stall-recovery';
import type { CliIo } from '../command';
import { spawnChildRuntime } from './child-process';
import { DEFAULT_RESTART_RULE, RestartPolicy } from './restart-policy';
import { Supervisor } from './supervisor';

/** Whether openrtc.json in `dir` sets `loop_stall_exit_s`; an unreadable or bad file says no (the runtime reports it). */
export async function wantsStallExit(dir: string): Promise<boolean> {
  let text: string;
  try {
    text = readFileSync(join(dir, 'openrtc.json'), 'utf8');
  } catch {
    return false;
  }
  const { parseConfigText } = await import('../../config/load.js');
  try {
    return parseConfigText('openrtc.json', text).loop_stall_exit_s !== null;
  } catch {
    return false;
  }
}

export async function runSupervised(runArgs: readonly string[], io: CliIo): Promise<number> {
  const supervisor = new Supervisor({
    spawn: () => spawnChildRuntime(runArgs, io.env, io.cwd),
    policy: new RestartPolicy(DEFAULT_RESTART_RULE, EXIT_LOOP_STALLED),
    now: () => Date.now(),
    setTimer: (fn, ms) => {
      const timer = setTimeout(fn, ms);
      return { cancel: () => clearTimeout(timer) };
    },
    log: (line) => io.err(line),
  });
  const onSignal = (signal: NodeJS.Signals): void => supervisor.signal(signal);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await supervisor.run();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
