// A stock LiveKit agents-js agent (@livekit/agents 1.9): defineAgent, voice.AgentSession with a
// voice.Agent that has instructions and a tool, and `cli.runApp` at the top level, exactly as
// LiveKit's own examples write it. The runtime runs it per tenant on the shared loop (the
// runApp call is captured, not run). It needs no provider key: its LLM is the project's scripted
// one (examples/lib/scripted-llm.ts), plugged in through agents-js's LLM interface.
//
// Per-tenant settings: the tenant is in the job metadata (as a LiveKit dispatch would put it),
// and the tenant's `tenant_config` (secrets resolved from `*_env` names) is
// `currentSession().tenantConfig`; the process environment stays the fallback.
// Its voice variant is agents/concierge-voice.ts.
import { cli, defineAgent, ServerOptions, voice, type JobContext } from '@livekit/agents';
import { fileURLToPath } from 'node:url';
import { conciergeInstructions, conciergeLLM, greeting, roomRates, tenantOf } from '../lib/concierge-desk';

export default defineAgent({
  entry: async (ctx: JobContext) => {
    await ctx.connect();
    const tenant = tenantOf(ctx);
    const session = new voice.AgentSession({ llm: conciergeLLM() });
    await session.start({
      agent: new voice.Agent({ instructions: conciergeInstructions(tenant), tools: { roomRates } }),
      room: ctx.room,
    });
    session.say(greeting(tenant));
  },
});

cli.runApp(new ServerOptions({ agent: fileURLToPath(import.meta.url), agentName: 'concierge' }));
