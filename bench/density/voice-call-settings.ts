// How bench/density's callers speak, on both sides: espeak-ng's en-us voice at 170 words per
// minute, a polite caller (it waits for the agent to finish before it talks).
import type { CallerVoice } from '../../runtime/caller/caller-voice';

export const CALLER_VOICE: CallerVoice = { voice: 'en-us', rate: 170, bargeIn: false };
/** As a local call's caller: the next line after the reply, or after this long without one. */
export const REPLY_TIMEOUT_MS = 10_000;

/** What the job child's agent sends over agents-js's IPC channel once its call streams audio. */
export const STREAMING_MESSAGE = 'densityStreaming';
