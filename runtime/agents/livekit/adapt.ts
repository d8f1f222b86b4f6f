// An agents-js agent definition (defineAgent from @livekit/agents) as one of our agents: one
// JobProcess per loaded version (prewarm runs once, its userData shared by the version's
// sessions, as in a LiveKit job process), and per session one LiveKit job run inside the
// session's scope. The session's dialogue reaches the job's primary AgentSession in text mode.
import type { AgentDefinition as LkAgentDefinition, JobProcess } from '@livekit/agents';
import { DEFAULT_JOB_BOUNDS, LiveKitJob, type JobBounds } from '../../livekit/job/job-runner';
import { isFailure } from '../../livekit/job/job-end';
import { assignedJobOf, runningJobInfo, type JobRoom } from '../../livekit/job/job-source';
import { localJobInfo } from '../../livekit/job/local-job';
import { isAgentsInternalRejection } from '../../livekit/job/rejection-policy';
import { bridgeText } from '../../livekit/job/text-bridge';
import { sessionOfScope } from '../../session/session';
import type { AgentDefinition, SessionContext } from '../types';
import type { LoadedAgentsPackage, RunAppCapture } from './agents-module';

const AGENT_DEFINITION_SYMBOL = Symbol.for('livekit.agents.AgentDefinition');

export function isLiveKitAgentDefinition(value: unknown): value is LkAgentDefinition {
  return (
    value !== null &&
    typeof value === 'object' &&
    AGENT_DEFINITION_SYMBOL in value &&
    typeof (value as { entry?: unknown }).entry === 'function'
  );
}

export interface AdaptedAgent extends AgentDefinition {
  readonly livekit: {
    readonly pkg: LoadedAgentsPackage;
    readonly definition: LkAgentDefinition;
    readonly proc: JobProcess;
    readonly capture: RunAppCapture | null;
  };
}

/** The agents-js parts of a loaded agent, or null for one of our own. */
export function liveKitPartsOf(definition: AgentDefinition): AdaptedAgent['livekit'] | null {
  return 'livekit' in definition ? (definition as AdaptedAgent).livekit : null;
}

export function adaptLiveKitAgent(
  pkg: LoadedAgentsPackage,
  definition: LkAgentDefinition,
  capture: RunAppCapture | null,
  name: string | undefined,
): AdaptedAgent {
  const proc = new pkg.agents.JobProcess();
  const bounds: JobBounds = {
    ...DEFAULT_JOB_BOUNDS,
    onSessionEndMs: capture?.sessionEndTimeoutMs ?? DEFAULT_JOB_BOUNDS.onSessionEndMs,
  };
  return {
    name,
    livekit: { pkg, definition, proc, capture },
    ignoresRejection: isAgentsInternalRejection,
    prewarm: definition.prewarm ? () => definition.prewarm!(proc) : undefined,
    entry: async (ctx: SessionContext) => {
      // A job LiveKit assigned (worker mode) runs with a real Room that ctx.connect() joins with
      // the assigned url and token, and talks to that room; a local call talks through our call channel.
      const assigned = assignedJobOf(sessionOfScope(ctx)?.slot);
      const job = new LiveKitJob({
        pkg,
        definition,
        proc,
        info: assigned ? runningJobInfo(pkg.protocol, assigned) : localJobInfo(pkg.protocol, ctx),
        room: new pkg.rtc.Room() as unknown as JobRoom,
        signal: ctx.signal,
        bounds,
        onAgentSession: assigned
          ? undefined
          : (session) => bridgeText(pkg.agents, session, { turns: () => ctx.userTurns(), reply: (t) => ctx.say(t) }),
        report: (message, error) => ctx.log.warn(`livekit job: ${message}`, ...(error instanceof Error ? [error] : [])),
      });
      const cause = await job.run();
      if (isFailure(cause)) throw cause.error;
    },
  };
}
