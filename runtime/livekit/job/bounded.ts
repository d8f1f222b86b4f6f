// A step of the end-of-job sequence, waited for at most `ms`: a step that hangs or throws is
// reported and the sequence goes on (LiveKit's job_lifecycle.ts does the same per step).
export type StepResult = 'done' | 'failed' | 'timed_out';

export async function bounded(
  step: () => unknown,
  ms: number,
  onProblem: (result: Exclude<StepResult, 'done'>, error?: unknown) => void,
): Promise<StepResult> {
  let timer: NodeJS.Timeout | undefined;
  const work = Promise.resolve().then(step);
  const timeout = new Promise<'timed_out'>((resolve) => (timer = setTimeout(() => resolve('timed_out'), ms)));
  try {
    const result = await Promise.race([work.then(() => 'done' as const), timeout]);
    if (result === 'timed_out') {
      // It may still reject later; that must not become an unhandled rejection of the session.
      work.catch(() => undefined);
      onProblem('timed_out');
    }
    return result;
  } catch (error) {
    onProblem('failed', error);
    return 'failed';
  } finally {
    clearTimeout(timer);
  }
}
