// Speech-to-text without a model (no offline STT model can be had here): a non-streaming
// agents-js STT, so agents-js runs it behind its own VAD stream adapter, and when the VAD
// closes a user turn it returns what the local caller spoke in that turn. The agent's logic
// sees the right words; the audio, the VAD and end-of-turn detection that led there are real.
// Outside a local voice call (a real LiveKit room) there is no script, and it says so.
import type { stt } from '@livekit/agents';
import type { AgentsModule } from '../agents-module';
import { voiceCallOf } from './call-registry';

export type ScriptedSttClass = new () => stt.STT;

const classes = new WeakMap<AgentsModule, ScriptedSttClass>();

export function scriptedSttClass(agents: AgentsModule): ScriptedSttClass {
  const known = classes.get(agents);
  if (known) return known;
  class ScriptedSTT extends agents.stt.STT {
    label = 'openrtc.ScriptedSTT';

    constructor() {
      super({ streaming: false, interimResults: false });
    }

    protected _recognize(): Promise<stt.SpeechEvent> {
      const call = voiceCallOf(agents.getJobContext(false));
      if (!call)
        return Promise.reject(
          new Error(
            'openrtc ScriptedSTT only transcribes local voice calls (openrtc call --voice); use a real STT in a room',
          ),
        );
      const text = call.takeTranscript();
      return Promise.resolve({
        type: agents.stt.SpeechEventType.FINAL_TRANSCRIPT,
        alternatives: [{ text, language: agents.asLanguageCode('en'), startTime: 0, endTime: 0, confidence: 1 }],
      });
    }

    stream(): stt.SpeechStream {
      throw new Error('openrtc ScriptedSTT is not a streaming STT: give the AgentSession a VAD (e.g. silero.VAD)');
    }
  }
  classes.set(agents, ScriptedSTT);
  return ScriptedSTT;
}
