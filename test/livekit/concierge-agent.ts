// The agents-js agent file the worker-mode tests run: stock-shaped (top-level cli.runApp with an
// agentName and a requestFunc that turns tenant "blocked" away); its entry logs what its
// JobContext holds (job id, room, a real rtc Room, url, worker, accepted name, pid) and joins the
// room when the dispatch metadata asks ("connect": true).
export const CONCIERGE = `import { cli, defineAgent, getJobContext, log, ServerOptions, type JobContext, type JobRequest } from '@livekit/agents';
import { Room } from '@livekit/rtc-node';
import { fileURLToPath } from 'node:url';

export default defineAgent({
  entry: async (ctx: JobContext) => {
    const meta = JSON.parse(ctx.job.metadata);
    const info = ctx.info;
    log().info('job ' + getJobContext().job.id + ' room ' + ctx.job.room?.name + ' rtc ' + (ctx.room instanceof Room) +
      ' url ' + info.url + ' worker ' + info.workerId + ' as ' + info.acceptArguments.name + ' pid ' + process.pid);
    if (meta.connect) await ctx.connect();
  },
});

cli.runApp(new ServerOptions({
  agent: fileURLToPath(import.meta.url),
  agentName: 'concierge',
  requestFunc: async (req: JobRequest) => {
    const m = JSON.parse(req.job.metadata || '{}');
    if (m.tenant === 'blocked') return req.reject();
    await req.accept('Concierge for ' + m.tenant);
  },
}));
`;
