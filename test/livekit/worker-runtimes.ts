// What the multi-runtime LiveKit tests share (scale-out, fleet caps): several `openrtc run
// --livekit` processes, each in a workspace of its own running one agent that records every job's
// start and end, so a test can rebuild from the runtimes' own records what ran where and when.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BuiltCli } from '../runtime/cli-helpers';
import { makeWorkspace, type Workspace } from '../runtime/engine-workspace';

/** Registers as `fleet` (the test's `livekit.agent_name`); holds each job 60 ms between its notes. */
export const RECORDING_AGENT = `
import { appendFileSync } from 'node:fs';
import { defineAgent } from 'openrtc';
const at = () => performance.timeOrigin + performance.now();
export default defineAgent({
  name: 'fleet-agent',
  async entry(ctx) {
    const job = ctx.metadata.livekit_job.id;
    const note = (t) => appendFileSync(process.env.FLEET_LOG, JSON.stringify({ t, at: at(), job, tenant: ctx.tenant }) + '\\n');
    note('start');
    await new Promise((resolve) => setTimeout(resolve, 60));
    note('end');
  },
});
`;

/** One line of a runtime's record: a job started or ended, at a wall time in ms. */
export interface JobNote {
  t: 'start' | 'end';
  at: number;
  job: string;
  tenant: string;
}

export function jsonLines<T>(file: string): T[] {
  return existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as T)
    : [];
}

export class WorkerRuntimes {
  readonly spaces: Workspace[] = [];
  readonly children: ChildProcessWithoutNullStreams[] = [];

  constructor(private readonly cli: BuiltCli) {}

  /** Starts `count` runtimes in worker mode, each ready once it says so; `env` points them at the
   *  LiveKit server (and whatever else the test shares between them). */
  async start(count: number, config: object, env: NodeJS.ProcessEnv): Promise<void> {
    for (let i = 0; i < count; i++) {
      const ws = makeWorkspace({ 'agents/fleet.ts': RECORDING_AGENT }, config);
      this.spaces.push(ws);
      const { child } = await this.cli.start(
        ['run', ws.dir, '--livekit', '--socket', join(ws.dir, 'rt.sock')],
        /LiveKit worker mode/,
        { ...env, FLEET_LOG: join(ws.dir, 'notes.jsonl') },
      );
      this.children.push(child);
    }
  }

  /** The job notes of one runtime, in the order it wrote them. */
  notesOf(ws: Workspace): JobNote[] {
    return jsonLines<JobNote>(join(ws.dir, 'notes.jsonl'));
  }

  /** SIGKILLs every runtime still running and removes the workspaces. */
  dispose(): void {
    for (const c of this.children) c.kill('SIGKILL');
    for (const ws of this.spaces) ws.cleanup();
  }
}
