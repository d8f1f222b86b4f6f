// The stack a tenant's developers can read: an exc_info traceback with the runtime's own frames
// taken out. Shared by the CLI's `openrtc logs` text output and the extension's escalation bundle;
// the JSONL on disk keeps every frame. Pure.

/**
 * Frames in the runtime's bundles (`dist/cli-commands.js:112:4520`, where `openrtc run` lives, which
 * dist/cli.js loads; the extension's `dist/runtime.js`, …).
 */
const BUNDLE_FRAME = /[\\/]dist[\\/](?:cli|cli-commands|runtime|tenant-child|watchdog|extension)\.js:\d+:\d+\)?$/;
/**
 * Node's own frames (`node:internal/timers`, `node:async_hooks`) and V8 built-ins (`<anonymous>`,
 * `at async Promise.all (index 0)` when the runtime awaits several starts at once).
 */
const NODE_FRAME =
  /\((?:node:[^)]*|<anonymous>|native)\)$|^\s*at node:\S+$|^\s*at (?:async )?Promise\.(?:all|allSettled|any) \(index \d+\)$/;
const FRAME = /^\s+at /;

export interface TenantStack {
  /** The traceback without runtime frames, with one line counting them when any were dropped. */
  text: string;
  dropped: number;
}

function isRuntimeFrame(line: string): boolean {
  return BUNDLE_FRAME.test(line) || NODE_FRAME.test(line);
}

/**
 * Keeps the message lines and the agent's own frames; drops the runtime's bundled frames and
 * Node's internals (which only say how the runtime called the agent), then says how many went.
 */
export function tenantStack(excInfo: string): TenantStack {
  const lines = excInfo.replace(/\s+$/, '').split(/\r?\n/);
  const kept = lines.filter((line) => !FRAME.test(line) || !isRuntimeFrame(line));
  const dropped = lines.length - kept.length;
  if (dropped === 0) return { text: excInfo, dropped };
  const indent = /^(\s+)at /.exec(lines.find((l) => FRAME.test(l)) ?? '')?.[1] ?? '    ';
  const s = dropped === 1 ? '' : 's';
  kept.push(`${indent}(${dropped} runtime frame${s} dropped; the JSONL log keeps the full stack)`);
  return { text: kept.join('\n'), dropped };
}
