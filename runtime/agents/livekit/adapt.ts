// An agents-js agent definition (defineAgent from @livekit/agents) as one of our agents: one
// JobProcess per loaded version (prewarm runs once, its userData shared by the version's
// sessions, as in a LiveKit job process), and per session one LiveKit job run inside the
// session's scope. The session's dialogue reaches the job's primary AgentSession in text mode,
// or, for a voice call, as the caller's audio (voice/voice-call.ts).
import type { AgentDefinition as LkAgentDefinition, JobProcess, RunningJobInfo } from '@livekit/agents';
import { bounded } from '../../livekit/job/bounded';
import { DEFAULT_JOB_BOUNDS, LiveKitJob, type JobBounds } from '../../livekit/job/job-runner';
import { describeCause, isFailure } from '../../livekit/job/job-end';
import { assignedJobOf, runningJobInfo, type JobRoom } from '../../livekit/job/job-source';
import { localJobInfo } from '../../livekit/job/local-job';
import { localRoom } from '../../livekit/job/local-room';
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
    prewarm: definition.prewarm ? () => boundedPrewarm(definition, proc, capture) : undefined,
    entry: async (ctx: SessionContext) => {
      // A job LiveKit assigned (worker mode) runs with a real Room that ctx.connect() joins with
      // the assigned url and token, and talks to that room; a local call talks through our call
      // channel: text, or the caller's audio for a voice call.
      const assigned = assignedJobOf(sessionOfScope(ctx)?.slot);
      const channel = assigned ? undefined : sessionOfScope(ctx)?.channel;
      const callerVoice = channel?.voice ?? null;
      const dialogue = {
        turns: () => ctx.userTurns(),
        reply: (t: string) => ctx.say(t),
        announce: (t: string) => channel?.announce(t),
      };
      const info = assigned
        ? runningJobInfo(pkg.protocol, assigned)
        : localJobInfo(pkg.protocol, { ...ctx, voice: callerVoice !== null });
      const job = new LiveKitJob({
        pkg,
        definition,
        proc,
        info,
        room: assigned ? (new pkg.rtc.Room() as unknown as JobRoom) : localRoomFor(pkg, info, ctx.sessionId),
        signal: ctx.signal,
        bounds,
        onAgentSession: assigned
          ? undefined
          : (session) => (voiceCall ? voiceCall.bridge(session) : bridgeText(pkg.agents, session, dialogue)),
        report: (message, error) => ctx.log.warn(`livekit job: ${message}`, ...(error instanceof Error ? [error] : [])),
      });
      const voiceCall = callerVoice && startVoiceCall(pkg, job.ctx, callerVoice, ctx.log, dialogue);
      try {
        const cause = await job.run();
        ctx.log.info(`livekit job ${info.job.id} ended: ${describeCause(cause)}`);
        if (isFailure(cause)) throw cause.error;
      } finally {
        voiceCall?.close();
      }
    },
  };
}

/** A local call's room: connected, with the caller in it (so ctx.waitForParticipant() returns them). */
function localRoomFor(pkg: LoadedAgentsPackage, info: RunningJobInfo, sessionId: string): JobRoom {
  return localRoom(pkg.rtc, {
    roomName: info.job.room?.name ?? '',
    roomMetadata: info.job.room?.metadata ?? '',
    callerIdentity: `caller-${sessionId}`,
    agentIdentity: info.acceptArguments.identity,
  });
}

/** LiveKit's own default for ServerOptions.initializeProcessTimeout. */
export const DEFAULT_INITIALIZE_PROCESS_TIMEOUT_MS = 10_000;

/**
 * prewarm under the bound the file's ServerOptions gave (initializeProcessTimeout), as LiveKit's
 * job process has it: one that hangs fails the load (the previous version keeps serving).
 */
async function boundedPrewarm(
  definition: LkAgentDefinition,
  proc: JobProcess,
  capture: RunAppCapture | null,
): Promise<void> {
  const ms = capture?.initializeProcessTimeoutMs ?? DEFAULT_INITIALIZE_PROCESS_TIMEOUT_MS;
  let failure: unknown;
  const result = await bounded(
    () => definition.prewarm!(proc),
    ms,
    (_, error) => (failure = error),
  );
  if (result === 'timed_out')
    throw new Error(`prewarm did not finish within ${ms} ms (ServerOptions.initializeProcessTimeout)`);
  if (result === 'failed') throw failure;
}
