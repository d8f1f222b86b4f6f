// Which local voice call a LiveKit job belongs to, keyed by the job's JobContext: the scripted
// STT and the AgentSession shim run inside agents-js with only getJobContext() to go on. A job
// LiveKit assigned (worker mode) or a text call has no entry, and then neither changes anything.
import type { voice } from '@livekit/agents';
import type { SpeechMark } from './turn-transcripts';

/** The part of an AgentSession (of any UserData) that holds its audio input and output. */
export type SessionIo = Pick<voice.AgentSession, 'input' | 'output'>;

export interface VoiceCallLink {
  /** The turn a frame of this call's microphone belongs to (undefined: silence, or not this call's frame). */
  speechMark(frame: object): SpeechMark | undefined;
  /** Gives the session the call's audio input and output; false if another session has them. */
  attachIo(session: SessionIo): boolean;
}

const calls = new WeakMap<object, VoiceCallLink>();

export function registerVoiceCall(jobContext: object, call: VoiceCallLink): void {
  calls.set(jobContext, call);
}

export function voiceCallOf(jobContext: object | undefined): VoiceCallLink | undefined {
  return jobContext ? calls.get(jobContext) : undefined;
}
