// Load runs: `count` calls, at most `concurrency` at once, started at most `rate` per second.
import type { RejectionReason, StartCallsResult } from '../../protocol/control';
import type { FinalStatus } from '../session/session';

export interface LoadPlan {
  count: number;
  concurrency: number;
  /** Calls started per second; undefined = as fast as concurrency allows. */
  rate?: number;
}

/** One call: rejected at admission, or admitted (with its id) and later finished. */
export type CallAttempt =
  { admitted: false; reason: RejectionReason } | { admitted: true; sessionId: string; ended: Promise<FinalStatus> };

export interface LoadRun {
  /** Live counts; final once `done` resolves. */
  readonly result: StartCallsResult;
  /** Every call has been admitted or rejected. */
  readonly dispatched: Promise<void>;
  /** Every admitted call has ended. */
  readonly done: Promise<StartCallsResult>;
}

export function runLoad(plan: LoadPlan, place: () => Promise<CallAttempt>): LoadRun {
  const result: StartCallsResult = { started: 0, succeeded: 0, failed: 0, cancelled: 0, rejected: {}, sessions: [] };
  const startedAt = Date.now();
  let next = 0;
  let placed = 0;
  let markDispatched: () => void = () => undefined;
  const dispatched = new Promise<void>((resolve) => (markDispatched = resolve));
  if (plan.count <= 0) markDispatched();
  const endings: Promise<void>[] = [];

  const worker = async (): Promise<void> => {
    while (next < plan.count) {
      const index = next++;
      if (plan.rate !== undefined && plan.rate > 0) {
        const due = startedAt + (index * 1000) / plan.rate;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const attempt = await place();
      if (++placed === plan.count) markDispatched();
      if (!attempt.admitted) {
        result.rejected[attempt.reason] = (result.rejected[attempt.reason] ?? 0) + 1;
        continue;
      }
      result.started++;
      result.sessions.push(attempt.sessionId);
      const ending = attempt.ended.then((status) => {
        if (status === 'ended') result.succeeded++;
        else if (status === 'failed') result.failed++;
        else result.cancelled++;
      });
      endings.push(ending);
      await ending;
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(plan.concurrency, plan.count)) }, () => worker());
  const done = Promise.all(workers)
    .then(() => Promise.all(endings))
    .then(() => result);
  return { result, dispatched, done };
}
