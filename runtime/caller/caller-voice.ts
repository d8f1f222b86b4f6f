// How a voice call's caller speaks (openrtc call --voice): the espeak-ng voice and rate of its
// turns, and whether it waits for the agent to finish speaking before it talks (a polite
// caller) or talks over it (barge-in, to exercise interruptions).
import type { StartCallsParams } from '../../protocol/control';

export interface CallerVoice {
  voice: string;
  /** Words per minute. */
  rate: number;
  bargeIn: boolean;
}

export const DEFAULT_CALLER_VOICE: Omit<CallerVoice, 'bargeIn'> = { voice: 'en-us', rate: 170 };

export function callerVoiceFromParams(p: StartCallsParams): CallerVoice {
  return {
    voice: p.voice_name ?? DEFAULT_CALLER_VOICE.voice,
    rate: p.voice_rate ?? DEFAULT_CALLER_VOICE.rate,
    bargeIn: p.barge_in ?? false,
  };
}
