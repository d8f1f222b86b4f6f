// The baseline: the same agent bodies invoked directly: no admission, no tenancy, no session
// bookkeeping, no logging. Only what any host must do: a context, the caller's turns, a hang-up.
import type { BenchContext } from './agent-logic';

export interface BareCall {
  done: Promise<void>;
  hangUp(): void;
}

export function bareCall(entry: (ctx: BenchContext) => Promise<void>, turns: string[]): BareCall {
  const controller = new AbortController();
  const ctx: BenchContext = {
    say: () => {},
    signal: controller.signal,
    async *userTurns() {
      yield* turns;
    },
  };
  const done = entry(ctx);
  return { done, hangUp: () => controller.abort('hang-up') };
}

/** `count` calls, at most `concurrency` at a time, like the runtime's load runs. */
export async function bareLoad(
  entry: (ctx: BenchContext) => Promise<void>,
  turns: string[],
  count: number,
  concurrency: number,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next += 1;
      const call = bareCall(entry, turns);
      await call.done;
      call.hangUp();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
