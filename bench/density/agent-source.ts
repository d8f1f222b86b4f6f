// The one voice agent bench/density runs on both sides: written as an agents-js project writes
// it (Silero VAD loaded once per process in prewarm, as LiveKit's examples do; an AgentSession
// with VAD, STT, LLM and TTS), so the shared loop and the job children run the same code. STT
// and TTS are the local voice call's (a scripted transcript, espeak-ng speech), the LLM is the
// project's scripted one: no provider keys, but the audio, the VAD, end-of-turn detection and
// the TTS audio path are agents-js's own.
import { join } from 'node:path';

/** The caller's lines, spoken in order and then again, so a call streams speech for as long as it lasts. */
export const CALLER_LINES = [
  'Hello, I would like to book a table for two tonight.',
  'Around seven thirty, if you have anything free.',
  'Near the window would be lovely, thank you.',
  'Could you also tell me whether you have parking?',
];

/** What the agent answers: one short sentence per turn, so its TTS audio plays back at 1× too. */
export const AGENT_REPLY = 'Certainly, one moment while I check that for you.';

export interface DensityAgentOptions {
  /** Code run in the LLM's reply, before it answers (`tenant` is in scope): e.g. a blocking call. */
  inReply?: string;
}

/** The agent file's text; `repo` is this repository (the scripted LLM is imported from its examples). */
export function densityAgentSource(repo: string, o: DensityAgentOptions = {}): string {
  const scriptedLlm = join(repo, 'examples/lib/scripted-llm');
  return `import { defineAgent, voice, type JobContext, type JobProcess } from '@livekit/agents';
import * as silero from '@livekit/agents-plugin-silero';
import { espeakTTS, scriptedSTT } from 'openrtc';
import { ScriptedLLM } from ${JSON.stringify(scriptedLlm)};

export default defineAgent({
  prewarm: async (proc: JobProcess) => {
    proc.userData.vad = await silero.VAD.load();
  },
  entry: async (ctx: JobContext) => {
    await ctx.connect();
    const tenant: string = JSON.parse(ctx.job.metadata).tenant;
    const session = new voice.AgentSession({
      vad: ctx.proc.userData.vad as silero.VAD,
      stt: scriptedSTT(),
      llm: new ScriptedLLM([
        {
          when: /^/,
          reply: () => {
            ${o.inReply ?? ''}
            return ${JSON.stringify(AGENT_REPLY)};
          },
        },
      ]),
      tts: espeakTTS(),
      // End of turn from the VAD's silence: the turn-detector model runs in AgentServer's
      // inference process, which neither side has here.
      turnHandling: { turnDetection: 'vad' },
    });
    await session.start({ agent: new voice.Agent({ instructions: 'Take bookings for ' + tenant }), room: ctx.room });
  },
});
`;
}
