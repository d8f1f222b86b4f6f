// A workspace with a stock-shaped agents-js voice agent: Silero VAD loaded in prewarm (as
// LiveKit's examples do), the project's scripted STT and LLM, espeak-ng TTS, VAD turn detection.
// Its node_modules is the repo's own, so the real @livekit/agents 1.9.0 and the Silero plugin load.
import { join, resolve } from 'node:path';
import { makeAgentsJsWorkspace } from '../runtime/agents-js-workspace';
import type { Workspace } from '../runtime/engine-workspace';

const REPO = resolve(__dirname, '../..');
const SCRIPTED_LLM = join(REPO, 'examples/lib/scripted-llm');

export interface VoiceAgentOptions {
  agentName: string;
  /** What the agent says when the session starts (long, to be interrupted). */
  greeting: string;
  /**
   * Count the Silero VAD streams the process's VAD opens, and end each reply with how many this
   * job opened (" over N VAD stream(s)"): what one voice session costs in VAD inference.
   */
  countVadStreams?: boolean;
}

export function voiceAgent(o: VoiceAgentOptions): string {
  return `import { cli, defineAgent, ServerOptions, voice, type JobContext, type JobProcess } from '@livekit/agents';
import * as silero from '@livekit/agents-plugin-silero';
import { fileURLToPath } from 'node:url';
import { espeakTTS, scriptedSTT } from 'openrtc';
import { ScriptedLLM } from ${JSON.stringify(SCRIPTED_LLM)};

export default defineAgent({
  prewarm: async (proc: JobProcess) => {
    const vad = await silero.VAD.load();
    proc.userData.vad = vad;
    const streams = { opened: 0 };
    proc.userData.vadStreams = streams;
    const open = vad.stream.bind(vad);
    vad.stream = () => {
      streams.opened++;
      return open();
    };
  },
  entry: async (ctx: JobContext) => {
    await ctx.connect();
    const tenant = JSON.parse(ctx.job.metadata).tenant;
    const streams = ctx.proc.userData.vadStreams as { opened: number };
    const openedBefore = streams.opened;
    const counted = (reply: string) => ${o.countVadStreams ? "reply + ' over ' + (streams.opened - openedBefore) + ' VAD stream(s)'" : 'reply'};
    const session = new voice.AgentSession({
      vad: ctx.proc.userData.vad as silero.VAD,
      stt: scriptedSTT(),
      llm: new ScriptedLLM([{ when: /./, reply: (turn) => counted(tenant + ' heard ' + turn) }]),
      tts: espeakTTS(),
      turnHandling: { turnDetection: 'vad' },
    });
    await session.start({ agent: new voice.Agent({ instructions: 'You answer for ' + tenant }), room: ctx.room });
    session.say(${JSON.stringify(o.greeting)});
  },
});

cli.runApp(new ServerOptions({ agent: fileURLToPath(import.meta.url), agentName: ${JSON.stringify(o.agentName)} }));
`;
}

export function makeVoiceWorkspace(agents: VoiceAgentOptions[], config: object = {}): Workspace {
  const files: Record<string, string> = {};
  for (const a of agents) files[`agents/${a.agentName}.ts`] = voiceAgent(a);
  return makeAgentsJsWorkspace(files, { max_concurrent_sessions: 50, ...config });
}
