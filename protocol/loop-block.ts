// The loop block in progress, as the control thread sees it while the main loop cannot answer,
// and the one sentence every client (CLI, extension) uses to describe it, so an operator reads
// the same words everywhere.
import type { StackFrame } from './control';

export interface LoopBlockState {
  /** Wall-clock ms (epoch) of the main loop's last heartbeat before the block. */
  since_ms: number;
  /** How long the loop has been blocked when this was read, ms. */
  blocked_ms: number;
  /** The session running the block; null when no session owns it (runtime code) or none was sampled yet. */
  session_id: string | null;
  tenant: string | null;
  agent_name: string | null;
  /** Top frames of the block in progress, mapped to the agent's own source; [] before the first sample. */
  frames: StackFrame[];
  /** true once the watchdog has looked inside this block (session and frames are then known). */
  sampled: boolean;
}

/** `file:line` of a frame, relative to the workspace when it lies inside it. */
export function frameLocation(frame: StackFrame, workspace: string | null = null): string {
  const prefix = workspace ? `${workspace.replace(/\/+$/, '')}/` : null;
  const file = prefix && frame.file.startsWith(prefix) ? frame.file.slice(prefix.length) : frame.file;
  return `${file}:${frame.line}`;
}

/** Where the block is: the first frame of agent code (outside node_modules), else the first frame. */
export function blockFrame(block: LoopBlockState): StackFrame | null {
  return block.frames.find((f) => !f.file.includes('/node_modules/')) ?? block.frames[0] ?? null;
}

/**
 * "the event loop has been blocked for 4.2 s by session SES_… (tenant spinco, agent spinner) at
 * agents/spinner.ts:4"
 */
export function describeLoopBlock(block: LoopBlockState, workspace: string | null = null): string {
  const seconds = (block.blocked_ms / 1000).toFixed(1);
  const frame = blockFrame(block);
  const at = frame ? ` at ${frameLocation(frame, workspace)}` : '';
  let who: string;
  if (block.session_id)
    who = `by session ${block.session_id} (tenant ${block.tenant ?? '?'}, agent ${block.agent_name ?? '?'})`;
  else if (block.sampled) who = 'by runtime code outside any session';
  else who = 'by code not sampled yet';
  return `the event loop has been blocked for ${seconds} s ${who}${at}`;
}
