// What the harbor-hotel concierge knows, shared by its text agent (agents/concierge.ts) and its
// voice agent (agents/concierge-voice.ts): the room-rates tool, the scripted LLM's rules and
// the instructions. Per-tenant settings come from the tenant's `tenant_config`
// (`currentSession().tenantConfig`); the tenant itself is in the job metadata.
import { llm, type JobContext } from '@livekit/agents';
import { currentSession } from 'openrtc';
import { z } from 'zod';
import { ScriptedLLM } from './scripted-llm';

export const roomRates = llm.tool({
  description: 'The nightly rate for a room type',
  parameters: z.object({ room: z.string().describe('single, double or suite') }),
  execute: async ({ room }) => {
    const rates = (currentSession()?.tenantConfig.rates ?? {}) as Record<string, number>;
    const rate = rates[room];
    return rate === undefined ? `We have no ${room} rooms.` : `A ${room} is ${rate} euros a night.`;
  },
});

export function conciergeLLM(): ScriptedLLM {
  return new ScriptedLLM([
    { when: /suite/i, tool: { name: 'roomRates', args: () => ({ room: 'suite' }) } },
    { when: /double/i, tool: { name: 'roomRates', args: () => ({ room: 'double' }) } },
    { when: /./, reply: (turn) => `Happy to help with "${turn}".` },
  ]);
}

export function tenantOf(ctx: JobContext): string | undefined {
  return (JSON.parse(ctx.job.metadata || '{}') as { tenant?: string }).tenant;
}

export function conciergeInstructions(tenant: string | undefined): string {
  return `You are the concierge of ${tenant}. Answer briefly; use roomRates for prices.`;
}

export function greeting(tenant: string | undefined): string {
  return String(currentSession()?.tenantConfig.greeting ?? `Welcome to ${tenant ?? 'the hotel'}.`);
}
