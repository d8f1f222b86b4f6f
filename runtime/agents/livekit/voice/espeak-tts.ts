// Text-to-speech offline, for agents without provider keys: an agents-js TTS on espeak-ng
// (non-streaming, so agents-js feeds it sentence by sentence through its own stream adapter).
// Each distinct sentence is synthesised once per voice and rate and cached; the audio is
// 16 kHz mono in 20 ms frames. Agents with a real provider plugin and key use theirs instead.
import type { tts, APIConnectOptions } from '@livekit/agents';
import type { AgentsModule, RtcModule } from '../agents-module';
import type { SpeechCache } from './speech-cache';
import { DEFAULT_AGENT_VOICE, speechVoiceProblem, type SpeechVoice } from './espeak';
import { audioFrame } from './caller-audio';
import { FRAME_SAMPLES, SAMPLE_RATE } from './pcm';

export type EspeakTtsClass = new (voice?: Partial<SpeechVoice>) => tts.TTS;

const classes = new WeakMap<AgentsModule, EspeakTtsClass>();

export function espeakTtsClass(agents: AgentsModule, rtc: RtcModule, cache: SpeechCache): EspeakTtsClass {
  const known = classes.get(agents);
  if (known) return known;

  class EspeakStream extends agents.tts.ChunkedStream {
    label = 'openrtc.EspeakTTS';

    constructor(
      text: string,
      owner: tts.TTS,
      private readonly voice: SpeechVoice,
      connOptions?: APIConnectOptions,
      abortSignal?: AbortSignal,
    ) {
      super(text, owner, connOptions, abortSignal);
    }

    protected async run(): Promise<void> {
      const samples = await cache.speech(this.inputText, this.voice);
      const requestId = agents.shortuuid('tts_');
      const frames = Math.ceil(samples.length / FRAME_SAMPLES);
      for (let i = 0; i < frames && !this.abortSignal.aborted; i++) {
        const data = new Int16Array(FRAME_SAMPLES);
        data.set(samples.subarray(i * FRAME_SAMPLES, (i + 1) * FRAME_SAMPLES));
        const frame = audioFrame(rtc, data);
        this.queue.put({ requestId, segmentId: requestId, frame, final: i === frames - 1 });
      }
    }
  }

  class EspeakTTS extends agents.tts.TTS {
    label = 'openrtc.EspeakTTS';
    private readonly voice: SpeechVoice;

    constructor(voice: Partial<SpeechVoice> = {}) {
      super(SAMPLE_RATE, 1, { streaming: false });
      this.voice = { ...DEFAULT_AGENT_VOICE, ...voice };
      const problem = speechVoiceProblem(this.voice);
      if (problem) throw new Error(`openrtc EspeakTTS: ${problem}`);
    }

    synthesize(text: string, connOptions?: APIConnectOptions, abortSignal?: AbortSignal): tts.ChunkedStream {
      return new EspeakStream(text, this, this.voice, connOptions, abortSignal);
    }

    stream(): tts.SynthesizeStream {
      throw new Error('openrtc EspeakTTS is not a streaming TTS (agents-js wraps it in its stream adapter)');
    }
  }
  classes.set(agents, EspeakTTS);
  return EspeakTTS;
}
