// Workspaces for tests of real agents-js agents: real files on disk whose node_modules is the
// repo's own, so agent files resolve the real @livekit/agents 1.9.0 the way a user's project does.
import { symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeWorkspace, type Workspace } from './engine-workspace';

const REPO = resolve(__dirname, '../..');
const SCRIPTED_LLM = join(REPO, 'examples/lib/scripted-llm');

export function makeAgentsJsWorkspace(files: Record<string, string>, config?: object): Workspace {
  const ws = makeWorkspace(files, config);
  symlinkSync(join(REPO, 'node_modules'), join(ws.dir, 'node_modules'), 'dir');
  return ws;
}

export interface StockAgentOptions {
  agentName: string;
  /** Code run inside the `hours` tool before it answers (e.g. a blocking call). */
  inTool?: string;
  /** Code run in entry after session.start (e.g. a failure). */
  afterStart?: string;
  /** Extra code at the top level of entry before anything else. */
  beforeStart?: string;
  /** Extra ScriptedLLM rules (source text), tried before the built-in ones. */
  extraRules?: string;
}

/**
 * A stock-shaped agents-js agent file: defineAgent with entry that connects, starts a
 * voice.AgentSession with a voice.Agent carrying a tool, greets, returns; `cli.runApp` at the
 * top level. The LLM is the project's scripted one (no provider key): "hours" calls the tool,
 * anything else is echoed with the tenant and the job context's job id.
 */
export function stockAgent(o: StockAgentOptions): string {
  return `import { cli, defineAgent, getJobContext, llm, ServerOptions, voice, type JobContext } from '@livekit/agents';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ScriptedLLM } from ${JSON.stringify(SCRIPTED_LLM)};

const hours = llm.tool({
  description: 'Opening hours for a day',
  parameters: z.object({ day: z.string() }),
  execute: async ({ day }) => {
    ${o.inTool ?? ''}
    const tenant = JSON.parse(getJobContext().job.metadata).tenant;
    return tenant + ' is open 9 to 5 on ' + day;
  },
});

export default defineAgent({
  prewarm: (proc) => {
    proc.userData.prewarmedAt = Date.now();
  },
  entry: async (ctx: JobContext) => {
    ${o.beforeStart ?? ''}
    await ctx.connect();
    const tenant = JSON.parse(ctx.job.metadata).tenant;
    const session = new voice.AgentSession({
      llm: new ScriptedLLM([
        ${o.extraRules ?? ''}
        { when: /hours/i, tool: { name: 'hours', args: () => ({ day: 'Monday' }) } },
        { when: /./, reply: (turn) => tenant + ' heard ' + turn + ' in ' + getJobContext().job.id },
      ]),
    });
    await session.start({ agent: new voice.Agent({ instructions: 'You answer for ' + tenant, tools: { hours } }), room: ctx.room });
    session.say('Hello from ' + tenant);
    ${o.afterStart ?? ''}
  },
});

cli.runApp(new ServerOptions({ agent: fileURLToPath(import.meta.url), agentName: ${JSON.stringify(o.agentName)} }));
`;
}
