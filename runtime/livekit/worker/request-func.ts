// The user's own availability check (the `requestFunc` captured from the agent file's
// ServerOptions), chained after our admission (issue 17, Deliver 2): our admission said yes and
// holds the slot; the agent's requestFunc then gets a real agents-js JobRequest for the job, as
// under LiveKit's own worker, and decides. No answer, a throw or a hang counts as a refusal, so
// a broken requestFunc can never hold a slot past `timeoutMs`.
import type { JobAcceptArguments, JobRequest } from '@livekit/agents';
import type { Job } from '@livekit/protocol';
import type { LoadedAgentsPackage } from '../../agents/livekit/agents-module';
import { liveKitPartsOf } from '../../agents/livekit/adapt';
import type { LoadedAgent } from '../../agents/registry';
import { errorSummary } from '../../log-writer/log';

export type RequestVerdict = { ok: true; accept: JobAcceptArguments } | { ok: false; message: string };

/** Asks the agent's requestFunc about one job (the runtime's own protocol copy of it). */
export type RequestCheck = (job: Job) => Promise<RequestVerdict>;

/** A requestFunc has this long to accept or reject (LiveKit's server waits 10 s for the answer). */
export const REQUEST_FUNC_TIMEOUT_MS = 5_000;

/** The agent names captured from agents-js files' ServerOptions (worker mode's default registrations). */
export function capturedAgentNames(agents: readonly (LoadedAgent | undefined)[]): string[] {
  const names = agents.map((a) => (a ? liveKitPartsOf(a.definition)?.capture?.agentName : null));
  return [...new Set(names.filter((n): n is string => typeof n === 'string' && n !== ''))];
}

/** The check for `agent`'s captured requestFunc, or null when it has none (accept, as LiveKit's default does). */
export function capturedRequestCheck(
  agent: LoadedAgent | undefined,
  timeoutMs = REQUEST_FUNC_TIMEOUT_MS,
): RequestCheck | null {
  const parts = agent ? liveKitPartsOf(agent.definition) : null;
  const requestFunc = parts?.capture?.requestFunc;
  if (!parts || !requestFunc) return null;
  // The agent's own copy of the protocol classes reads the job, so the JobRequest it gets is
  // exactly what LiveKit's worker would hand it.
  return (job) => askRequestFunc(parts.pkg, requestFunc, parts.pkg.protocol.Job.fromBinary(job.toBinary()), timeoutMs);
}

export function askRequestFunc(
  pkg: LoadedAgentsPackage,
  requestFunc: (req: JobRequest) => Promise<void>,
  job: ConstructorParameters<LoadedAgentsPackage['agents']['JobRequest']>[0],
  timeoutMs: number,
): Promise<RequestVerdict> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (v: RequestVerdict): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(v);
    };
    const timer = setTimeout(
      () => settle({ ok: false, message: `requestFunc gave no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    const req = new pkg.agents.JobRequest(
      job,
      async () => settle({ ok: false, message: 'requestFunc rejected the job' }),
      async (accept) => settle({ ok: true, accept }),
    );
    Promise.resolve()
      .then(() => requestFunc(req))
      .then(
        () => settle({ ok: false, message: 'requestFunc returned without accepting or rejecting the job' }),
        (err: unknown) => settle({ ok: false, message: `requestFunc threw: ${errorSummary(err)}` }),
      );
  });
}
