// Speech-to-text without a model (no offline STT model can be had here): a streaming agents-js
// STT, so agents-js feeds it the session's audio directly (a non-streaming STT would get a
// second Silero VAD stream per session, agents-js's StreamAdapter, doubling the VAD's CPU). It
// reads the frames as a streaming provider would and, when a turn's speech has ended in them,
// emits that turn's words as a FINAL transcript (turn-transcripts.ts). The agent's logic sees
// the right words; the audio, the VAD and end-of-turn detection that led there are real.
// Outside a local voice call (a real LiveKit room) there is no script, and it says so.
import type { APIConnectOptions, stt } from '@livekit/agents';
import type { AgentsModule } from '../agents-module';
import type { AudioFrame } from './caller-audio';
import { voiceCallOf, type VoiceCallLink } from './call-registry';
import { TurnTranscriber } from './turn-transcripts';

export type ScriptedSttClass = new () => stt.STT;

const NOT_A_CALL =
  'openrtc ScriptedSTT only transcribes local voice calls (openrtc call --voice); use a real STT in a room';

const classes = new WeakMap<AgentsModule, ScriptedSttClass>();

export function scriptedSttClass(agents: AgentsModule): ScriptedSttClass {
  const known = classes.get(agents);
  if (known) return known;

  const finalTranscript = (text: string): stt.SpeechEvent => ({
    type: agents.stt.SpeechEventType.FINAL_TRANSCRIPT,
    alternatives: [{ text, language: agents.asLanguageCode('en'), startTime: 0, endTime: 0, confidence: 1 }],
  });

  class ScriptedSpeechStream extends agents.stt.SpeechStream {
    label = 'openrtc.ScriptedSpeechStream';

    constructor(
      owner: stt.STT,
      private readonly call: VoiceCallLink | undefined,
      connOptions?: APIConnectOptions,
    ) {
      super(owner, undefined, connOptions);
    }

    protected async run(): Promise<void> {
      if (!this.call) throw new Error(NOT_A_CALL);
      const turns = new TurnTranscriber();
      for await (const input of this.input) {
        // The flush sentinel (agents-js commits the user turn by hand): what was heard is final.
        const ended = typeof input === 'symbol' ? turns.end() : turns.next(this.call.speechMark(input));
        for (const text of ended) this.queue.put(finalTranscript(text));
      }
      for (const text of turns.end()) this.queue.put(finalTranscript(text));
    }
  }

  class ScriptedSTT extends agents.stt.STT {
    label = 'openrtc.ScriptedSTT';

    constructor() {
      super({ streaming: true, interimResults: false });
    }

    /** A buffer of the call's audio: the words of the turns spoken in it. */
    protected _recognize(buffer: AudioFrame | AudioFrame[]): Promise<stt.SpeechEvent> {
      const call = voiceCallOf(agents.getJobContext(false));
      if (!call) return Promise.reject(new Error(NOT_A_CALL));
      const turns = new TurnTranscriber();
      const texts = (Array.isArray(buffer) ? buffer : [buffer]).flatMap((f) => turns.next(call.speechMark(f)));
      return Promise.resolve(finalTranscript([...texts, ...turns.end()].join(' ')));
    }

    stream(options?: { connOptions?: APIConnectOptions }): stt.SpeechStream {
      return new ScriptedSpeechStream(this, voiceCallOf(agents.getJobContext(false)), options?.connOptions);
    }
  }
  classes.set(agents, ScriptedSTT);
  return ScriptedSTT;
}
