// A stock LiveKit agents-js agent (@livekit/agents 1.9): defineAgent, voice.AgentSession with a
// voice.Agent that has instructions and a tool, and `cli.runApp` at the top level, exactly as
// LiveKit's own examples write it. The runtime runs it per tenant on the shared loop (the
// runApp call is captured, not run). It needs no provider key: its LLM is the project's scripted
// one (examples/lib/scripted-llm.ts), plugged in through agents-js's LLM interface.
//
// Per-tenant settings: the tenant is in the job metadata (as a LiveKit dispatch would put it),
// and the tenant's `tenant_config` (secrets resolved from `*_env` names) is
// `currentSession().tenantConfig`; the process environment stays the fallback.
import { cli, defineAgent, llm, ServerOptions, voice, type JobContext } from '@livekit/agents';
import { fileURLToPath } from 'node:url';
import { currentSession } from 'openrtc';
import { z } from 'zod';
import { ScriptedLLM } from '../lib/scripted-llm';

const roomRates = llm.tool({
  description: 'The nightly rate for a room type',
  parameters: z.object({ room: z.string().describe('single, double or suite') }),
  execute: async ({ room }) => {
    const rates = (currentSession()?.tenantConfig.rates ?? {}) as Record<string, number>;
    const rate = rates[room];
    return rate === undefined ? `We have no ${room} rooms.` : `A ${room} is ${rate} euros a night.`;
  },
});

export default defineAgent({
  entry: async (ctx: JobContext) => {
    await ctx.connect();
    const { tenant } = JSON.parse(ctx.job.metadata || '{}') as { tenant?: string };
    const greeting = String(currentSession()?.tenantConfig.greeting ?? `Welcome to ${tenant ?? 'the hotel'}.`);
    const session = new voice.AgentSession({
      llm: new ScriptedLLM([
        { when: /suite/i, tool: { name: 'roomRates', args: () => ({ room: 'suite' }) } },
        { when: /double/i, tool: { name: 'roomRates', args: () => ({ room: 'double' }) } },
        { when: /./, reply: (turn) => `Happy to help with "${turn}".` },
      ]),
    });
    await session.start({
      agent: new voice.Agent({
        instructions: `You are the concierge of ${tenant}. Answer briefly; use roomRates for prices.`,
        tools: { roomRates },
      }),
      room: ctx.room,
    });
    session.say(greeting);
  },
});

cli.runApp(new ServerOptions({ agent: fileURLToPath(import.meta.url), agentName: 'concierge' }));
