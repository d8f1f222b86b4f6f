// Every line a density call says or hears, synthesised into the process's speech cache before
// the calls start, as a long-running runtime has them: synthesis and resampling run once per
// line per process, on the loop, and are not the steady load being measured.
import { DEFAULT_AGENT_VOICE } from '../../runtime/agents/livekit/voice/espeak';
import { sharedSpeechCache } from '../../runtime/agents/livekit/voice/speech-service';
import { AGENT_REPLY, CALLER_LINES } from './agent-source';
import { CALLER_VOICE } from './voice-call-settings';

export async function synthesiseDensityLines(): Promise<void> {
  const cache = sharedSpeechCache();
  await Promise.all([
    ...CALLER_LINES.map((line) => cache.speech(line, CALLER_VOICE)),
    cache.speech(AGENT_REPLY, DEFAULT_AGENT_VOICE),
  ]);
}
