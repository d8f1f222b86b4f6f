// What agent files get from `import { scriptedSTT, espeakTTS } from 'openrtc'`: the offline STT
// and TTS of local voice calls, as instances of agents-js's own STT and TTS classes from the
// agents-js copy the agent file loaded (so they are the classes its AgentSession expects).
import type { stt, tts } from '@livekit/agents';
import { loadedAgentsPackages, type LoadedAgentsPackage } from '../agents-module';
import type { SpeechVoice } from './espeak';
import { espeakTtsClass } from './espeak-tts';
import { scriptedSttClass } from './scripted-stt';
import { sharedSpeechCache } from './speech-service';

function agentsPackage(what: string): LoadedAgentsPackage {
  const loaded = loadedAgentsPackages();
  const pkg = loaded.find((p) => p.agents.getJobContext(false) !== undefined) ?? loaded[0];
  if (!pkg)
    throw new Error(
      `openrtc ${what}: @livekit/agents is not loaded; import it in the agent file (it is an agents-js plugin)`,
    );
  return pkg;
}

/** A streaming STT that gives the local caller's words, each turn's as its speech ends. */
export function scriptedSTT(): stt.STT {
  return new (scriptedSttClass(agentsPackage('scriptedSTT()').agents))();
}

/** A TTS on espeak-ng (voice default en-gb at 175 words per minute), offline, cached per sentence. */
export function espeakTTS(voice: Partial<SpeechVoice> = {}): tts.TTS {
  const pkg = agentsPackage('espeakTTS()');
  return new (espeakTtsClass(pkg.agents, pkg.rtc, sharedSpeechCache()))(voice);
}
