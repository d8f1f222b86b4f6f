// The concierge as a voice agent, written as LiveKit's voice examples are: Silero VAD loaded
// once in `prewarm` (shared by the process's sessions through proc.userData), and an
// AgentSession with VAD, STT, LLM and TTS. Offline, with no provider key:
//   - VAD: real Silero (@livekit/agents-plugin-silero), on the caller's real audio frames;
//   - STT: openrtc's scriptedSTT(), which returns what the local caller said in the turn the VAD
//     closed (no offline STT model is available; swap in a provider plugin for real rooms);
//   - LLM: the project's scripted LLM; TTS: openrtc's espeakTTS() (espeak-ng, offline).
// Try it: openrtc call concierge-voice --tenant harbor-hotel --voice --say "a double room please"
import { cli, defineAgent, ServerOptions, voice, type JobContext, type JobProcess } from '@livekit/agents';
import * as silero from '@livekit/agents-plugin-silero';
import { fileURLToPath } from 'node:url';
import { espeakTTS, scriptedSTT } from 'openrtc';
import { conciergeInstructions, conciergeLLM, greeting, roomRates, tenantOf } from '../lib/concierge-desk';

export default defineAgent({
  prewarm: async (proc: JobProcess) => {
    proc.userData.vad = await silero.VAD.load();
  },
  entry: async (ctx: JobContext) => {
    await ctx.connect();
    const tenant = tenantOf(ctx);
    const session = new voice.AgentSession({
      vad: ctx.proc.userData.vad as silero.VAD,
      stt: scriptedSTT(),
      llm: conciergeLLM(),
      tts: espeakTTS({ voice: 'en-gb', rate: 175 }),
      turnHandling: { turnDetection: 'vad' },
    });
    await session.start({
      agent: new voice.Agent({ instructions: conciergeInstructions(tenant), tools: { roomRates } }),
      room: ctx.room,
    });
    session.say(greeting(tenant));
  },
});

cli.runApp(new ServerOptions({ agent: fileURLToPath(import.meta.url), agentName: 'concierge-voice' }));
