// The baseline's agent, for LiveKit's own job child (which imports it as ESM, so plain JS): an idle
// text session like the one the shared-loop side starts (AgentSession + voice.Agent, a text LLM).
import { defineAgent, voice } from '@livekit/agents';

export default defineAgent({
  entry: async (ctx) => {
    await ctx.connect();
    const session = new voice.AgentSession({ llm: new voice.testing.FakeLLM([]) });
    await session.start({ agent: new voice.Agent({ instructions: 'idle' }), room: ctx.room });
    session.say('Hello');
    process.send?.({ case: 'benchStarted', value: undefined });
  },
});
