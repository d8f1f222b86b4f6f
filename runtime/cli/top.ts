// `openrtc top`: a live table of sessions (or one print with --once). Exit codes as the rest of
// the CLI: 0 done, 1 the runtime went away mid-run, 2 bad usage, no runtime, or a socket that
// does not speak our protocols (garbled, silent, someone else's).
import type { CliIo, Command } from './command';
import { resolveSocket } from './runtime-link';
import { parseTopArgs, TOP_USAGE, UsageError, type TopOptions } from './top-args';
import { Screen, type Key } from './top-screen';
import { openTopSource, TopError, type TopSource } from './top-source';
import { TopTrend } from './top-sparkline';
import {
  cycleSort,
  cycleStatus,
  cycleTenant,
  renderLines,
  selectRows,
  type TopSnapshot,
  type ViewState,
} from './top-view';

export interface TopIo extends CliIo {
  /** The terminal for live mode; null when stdout is not one. */
  terminal: { stdout: NodeJS.WriteStream; stdin: NodeJS.ReadStream } | null;
}

export const topCommand: Command = {
  name: 'top',
  summary: 'live table of sessions: cpu, memory share, slow sessions and where they blocked',
  run: (argv, io) =>
    runTop(argv, { ...io, terminal: process.stdout.isTTY ? { stdout: process.stdout, stdin: process.stdin } : null }),
};

export async function runTop(argv: readonly string[], io: TopIo): Promise<number> {
  let opts: TopOptions;
  try {
    opts = parseTopArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`openrtc top: ${err.message}\n(see openrtc top --help)\n`);
    return err.exitCode;
  }
  if (opts.help) {
    io.out(`${TOP_USAGE}\n`);
    return 0;
  }
  const terminal = io.terminal;
  if (!opts.once && !opts.json && !terminal) {
    io.err('openrtc top: stdout is not a terminal; use --once (or --json for a stream of JSON lines)\n');
    return 2;
  }
  const socketPath = resolveSocket(opts.socket ?? undefined, io);
  const view: ViewState = { sort: opts.sort, status: opts.status, tenant: opts.tenant, agent: opts.agent };
  let source: TopSource | null = null;
  try {
    source = await openTopSource(socketPath);
    if (opts.once) {
      printOnce(await source.fetch(), view, opts.json, io);
      return 0;
    }
    if (opts.json || !terminal) return await streamJson(source, view, opts.refreshHz, io);
    return await live(source, view, opts.refreshHz, io, terminal);
  } catch (err) {
    if (!(err instanceof TopError)) throw err;
    io.err(`openrtc top: ${err.message}\n`);
    return err.exitCode;
  } finally {
    source?.close();
  }
}

function printOnce(top: TopSnapshot, view: ViewState, json: boolean, io: TopIo): void {
  if (json) io.out(`${JSON.stringify(selectRows(top.snapshot.sessions, view), null, 2)}\n`);
  else io.out(`${renderLines(top, view, Number.MAX_SAFE_INTEGER, false).join('\n')}\n`);
}

/** --json without --once: one JSON line of rows per refresh, until interrupted. */
function streamJson(source: TopSource, view: ViewState, hz: number, io: TopIo): Promise<number> {
  return refreshLoop(
    source,
    hz,
    io,
    (top) => io.out(`${JSON.stringify(selectRows(top.snapshot.sessions, view))}\n`),
    () => {},
  );
}

function live(
  source: TopSource,
  view: ViewState,
  hz: number,
  io: TopIo,
  terminal: NonNullable<TopIo['terminal']>,
): Promise<number> {
  let last: TopSnapshot | null = null;
  let screen: Screen | null = null;
  const trend = new TopTrend();
  const draw = (): void => {
    if (last && screen) screen.draw(renderLines(last, view, screen.width, true, trend.line(view.tenant)));
  };
  return refreshLoop(
    source,
    hz,
    io,
    (top) => {
      last = top;
      trend.push(top.snapshot);
      draw();
    },
    (control) => {
      screen = new Screen(terminal.stdout, terminal.stdin, (key: Key) => {
        if (key.name === 'q' || (key.ctrl && key.name === 'c')) return control.finish(0);
        if (key.name === 's') view.sort = cycleSort(view.sort);
        else if (key.name === 'f') view.status = cycleStatus(view.status);
        else if (key.name === 't' && last) view.tenant = cycleTenant(view.tenant, last.snapshot);
        else if (key.name === 'r') return control.refresh();
        draw();
      });
      screen.enter();
      terminal.stdout.on('resize', draw);
      return () => {
        terminal.stdout.off('resize', draw);
        screen?.restore();
      };
    },
  );
}

interface LoopControl {
  finish(code: number, message?: string): void;
  refresh(): void;
}

/** Fetches every 1/hz s (never two at once), ends on SIGINT/SIGTERM or a source error. */
function refreshLoop(
  source: TopSource,
  hz: number,
  io: TopIo,
  show: (top: TopSnapshot) => void,
  setup: (control: LoopControl) => (() => void) | void,
): Promise<number> {
  return new Promise((resolve) => {
    let inFlight = false;
    let done = false;
    let teardown: (() => void) | void;
    const finish = (code: number, message?: string): void => {
      if (done) return;
      done = true;
      clearInterval(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      teardown?.();
      if (message) io.err(`openrtc top: ${message}\n`);
      resolve(code);
    };
    const refresh = (): void => {
      if (inFlight || done) return;
      inFlight = true;
      source
        .fetch()
        .then((top) => {
          if (!done) show(top);
        })
        .catch((err: unknown) => {
          if (err instanceof TopError) finish(err.exitCode, err.message);
          else finish(1, err instanceof Error ? err.message : String(err));
        })
        .finally(() => {
          inFlight = false;
        });
    };
    const onSignal = (): void => finish(0);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const timer = setInterval(refresh, 1000 / hz);
    teardown = setup({ finish, refresh });
    refresh();
  });
}
