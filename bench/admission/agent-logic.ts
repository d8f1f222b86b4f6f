// The benchmark's agent bodies, shared by the runtime's agent files (generated into a temp
// workspace) and the bare baseline, so both run exactly the same agent code.

/** The slice of the session context these agents use. */
export interface BenchContext {
  say(text: string): void;
  userTurns(): AsyncIterable<string>;
  readonly signal: AbortSignal;
}

/** Answers each caller turn, then ends when the caller hangs up. */
export async function echoEntry(ctx: BenchContext): Promise<void> {
  for await (const turn of ctx.userTurns()) ctx.say(`echo: ${turn}`);
}

/** Holds its session open, doing nothing, until it is hung up or cancelled. */
export async function idleEntry(ctx: BenchContext): Promise<void> {
  if (ctx.signal.aborted) return;
  await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
}
