// The density agent as one LiveKit job child runs it (bundled by job-agent-bundle.ts, loaded by
// agents-js's job_proc_lazy_main): the agent's own prewarm and entry, with the same local voice
// call the runtime gives a session (agents/livekit/voice: espeak-ng speech paced into the
// session's AudioInput at 50 frames a second, its audio output played at 1×, the scripted STT
// fed the caller's lines). The caller says CALLER_LINES in turn, each after the agent answered
// the previous one, as `openrtc call --voice` does.
import type { JobContext, JobProcess } from '@livekit/agents';
import densityAgent from 'density-agent';
import { agentsPackageFor } from '../../runtime/agents/livekit/agents-module';
import { startVoiceCall } from '../../runtime/agents/livekit/voice/start-call';
import type { ScopedLogger } from '../../runtime/log-writer/log';
import { CALLER_LINES } from './agent-source';
import { CALLER_VOICE, REPLY_TIMEOUT_MS, STREAMING_MESSAGE } from './voice-call-settings';

// The bundle's own require resolves the same CommonJS agents-js the job entry runs on.
const pkg = agentsPackageFor(__filename);

const quietLog: ScopedLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message) => console.error(`density job child: ${message}`),
};

/** The caller's side of the dialogue: the next line once the agent answered the last one. */
class ScriptedDialogue {
  private answered: (() => void) | null = null;

  async *turns(): AsyncGenerator<string> {
    for (let i = 0; ; i++) {
      yield CALLER_LINES[i % CALLER_LINES.length]!;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, REPLY_TIMEOUT_MS);
        this.answered = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  reply(): void {
    this.answered?.();
  }

  announce(): void {}
}

export default pkg.agents.defineAgent({
  prewarm: (proc: JobProcess) => densityAgent.prewarm?.(proc),
  entry: async (ctx: JobContext) => {
    const call = startVoiceCall(pkg, ctx, CALLER_VOICE, quietLog, new ScriptedDialogue());
    await densityAgent.entry(ctx);
    const session = ctx._primaryAgentSession;
    if (!session) throw new Error('the density agent started no AgentSession');
    call.bridge(session);
    process.send?.({ case: STREAMING_MESSAGE });
  },
});
