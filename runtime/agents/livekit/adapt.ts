// An agents-js agent definition (defineAgent from @livekit/agents) as one of our agents: one
// JobProcess per loaded version (prewarm runs once, its userData shared by the version's
// sessions, as in a LiveKit job process), and per session one LiveKit job run inside the
// session's scope. The session's dialogue reaches the job's primary AgentSession in text mode,
// or, for a voice call, as the caller's audio (voice/voice-call.ts).
import type { AgentDefinition as LkAgentDefinition, JobProcess } from '@livekit/agents';
import { DEFAULT_JOB_BOUNDS, LiveKitJob, type JobBounds } from '../../livekit/job/job-runner';
import { isFailure } from '../../livekit/job/job-end';
import { jobSourceOf, type JobRoom } from '../../livekit/job/job-source';
import { localJobInfo } from '../../livekit/job/local-job';
import { isAgentsInternalRejection } from '../../livekit/job/rejection-policy';
import { bridgeText } from '../../livekit/job/text-bridge';
import { sessionOfScope } from '../../session/session';
import type { AgentDefinition, SessionContext } from '../types';
import type { LoadedAgentsPackage, RunAppCapture } from './agents-module';
import { startVoiceCall } from './voice/start-call';

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
      const source = jobSourceOf(ctx);
      const channel = source ? undefined : sessionOfScope(ctx)?.channel;
      const callerVoice = channel?.voice ?? null;
      const dialogue = {
        turns: () => ctx.userTurns(),
        reply: (t: string) => ctx.say(t),
        announce: (t: string) => channel?.announce(t),
      };
      const job = new LiveKitJob({
        pkg,
        definition,
        proc,
        info: source?.info ?? localJobInfo(pkg.protocol, { ...ctx, voice: callerVoice !== null }),
        room: source?.room ?? (new pkg.rtc.Room() as unknown as JobRoom),
        signal: ctx.signal,
        bounds,
        // A job LiveKit assigned talks to its room; a local call talks through our call channel.
        onAgentSession: source
          ? undefined
          : (session) => (voiceCall ? voiceCall.bridge(session) : bridgeText(pkg.agents, session, dialogue)),
        report: (message, error) => ctx.log.warn(`livekit job: ${message}`, ...(error instanceof Error ? [error] : [])),
      });
      const voiceCall = callerVoice && startVoiceCall(pkg, job.ctx, callerVoice, ctx.log, dialogue);
      try {
        const cause = await job.run();
        if (isFailure(cause)) throw cause.error;
      } finally {
        voiceCall?.close();
      }
    },
  };
}
