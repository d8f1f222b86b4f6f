// Worker mode as a whole: one LiveKitWorker per agent name over one runtime, their snapshot
// block, and drain (every registration FULL at once, live jobs finish, connections close).
import type { LiveKitWorkerSnapshot } from '../../../protocol/control';
import { systemClock, type Clock } from '../../policy/clock';
import type { JobHost } from './job-host';
import { SessionJobLauncher, type JobLauncher } from './job-launcher';
import type { LiveKitModeSettings } from './settings';
import { LiveKitWorker, type WorkerView } from './worker-client';

export interface WorkerModeRuntime {
  jobHost(): JobHost;
  setLiveKitView(view: (() => LiveKitWorkerSnapshot[]) | null): void;
}

export class WorkerMode {
  private constructor(private readonly workers: LiveKitWorker[]) {}

  static start(
    runtime: WorkerModeRuntime,
    settings: LiveKitModeSettings,
    version: string,
    opts: { clock?: Clock; launcher?: JobLauncher } = {},
  ): WorkerMode {
    const host = runtime.jobHost();
    const launcher = opts.launcher ?? new SessionJobLauncher(host);
    const workers = settings.agentNames.map(
      (agentName) =>
        new LiveKitWorker(
          {
            url: settings.url,
            apiKey: settings.apiKey,
            apiSecret: settings.apiSecret,
            agentName,
            statusIntervalMs: settings.statusIntervalMs,
            assignmentTimeoutMs: settings.assignmentTimeoutMs,
            reconnect: settings.reconnect,
            maxFrameBytes: settings.maxFrameBytes,
            version,
          },
          host,
          launcher,
          opts.clock ?? systemClock,
        ),
    );
    const mode = new WorkerMode(workers);
    runtime.setLiveKitView(() => mode.views());
    for (const w of workers) w.start();
    return mode;
  }

  views(): LiveKitWorkerSnapshot[] {
    return this.workers.map((w) => snapshotOf(w.view()));
  }

  async drain(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.drain()));
  }

  close(): void {
    for (const w of this.workers) w.close();
  }
}

function snapshotOf(v: WorkerView): LiveKitWorkerSnapshot {
  return {
    url: v.url,
    agent_name: v.agentName,
    worker_id: v.workerId,
    state: v.state,
    last_load: v.lastLoad === null ? null : Math.round(v.lastLoad * 1000) / 1000,
    last_status: v.lastStatus,
    running_jobs: v.runningJobs,
    offered: v.counts.offered,
    accepted: v.counts.accepted,
    refused: v.counts.refused,
    assignment_timeouts: v.counts.assignmentTimeouts,
    reconnects: v.reconnects,
    last_error: v.lastError,
  };
}
