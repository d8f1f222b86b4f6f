// Sets up a local voice call for a job about to run: the call, registered under the job's
// JobContext so the AgentSession shim and the scripted STT find it.
import type { JobContext } from '@livekit/agents';
import type { CallerVoice } from '../../../caller/caller-voice';
import type { ScopedLogger } from '../../../log-writer/log';
import { systemClock } from '../../../policy/clock';
import type { LoadedAgentsPackage } from '../agents-module';
import { registerVoiceCall } from './call-registry';
import { sharedSpeechCache } from './speech-service';
import { LocalVoiceCall, type VoiceCallInit, type VoiceDialogue } from './voice-call';

export function startVoiceCall(
  pkg: LoadedAgentsPackage,
  jobContext: JobContext,
  caller: CallerVoice,
  log: ScopedLogger,
  dialogue: VoiceDialogue,
  listener?: VoiceCallInit['listener'],
): LocalVoiceCall {
  const call = new LocalVoiceCall({
    pkg,
    caller,
    cache: sharedSpeechCache(),
    clock: systemClock,
    log,
    dialogue,
    listener,
  });
  registerVoiceCall(jobContext, call);
  return call;
}
