// The one seam through which an assigned LiveKit job starts (issue 17): launch(job, url, token,
// reservation) → a handle the worker client ends and watches. SessionJobLauncher runs the job as
// a session of our runtime (the routed agent, the tenant from the job), with the assignment
// attached to its slot: an agents-js agent then runs the job through its job runner (a real
// Room, ctx.connect() with the assigned url and token, getJobContext().job the job LiveKit
// sent); our own `openrtc` agents run it as a session like any other.
import type { JobAcceptArguments } from '@livekit/agents';
import type { Job } from '@livekit/protocol';
import type { Slot } from '../../policy/admission';
import type { Session } from '../../session/session';
import { attachAssignedJob } from '../job/job-source';
import type { JobHost } from './job-host';

export interface JobOutcome {
  ok: boolean;
  /** The failure's one-line summary (reported to LiveKit in updateJob). */
  error: string | null;
}

export interface JobHandle {
  readonly jobId: string;
  readonly sessionId: string | null;
  /** LiveKit's termination (or drain): end the job; its outcome still arrives through `ended`. */
  terminate(): void;
  readonly ended: Promise<JobOutcome>;
}

export interface LaunchRequest {
  job: Job;
  /** Where the job's room is (the assignment's url, else the worker's). */
  url: string;
  /** The agent participant's room token, minted by the server; never logged. */
  token: string;
  workerId: string;
  /** The agent participant as the availability answer described it. */
  accept: JobAcceptArguments;
  reservation: Slot;
  /** The job's metadata as routing parsed it, the resolved tenant included. */
  metadata: Record<string, unknown>;
}

export interface JobLauncher {
  launch(req: LaunchRequest): JobHandle;
}

/** How long an agent that ignores its signal may run after a termination. */
const TERMINATE_GRACE_MS = 5_000;

export class SessionJobLauncher implements JobLauncher {
  constructor(private readonly host: JobHost) {}

  launch(req: LaunchRequest): JobHandle {
    let session: Session | null = null;
    let terminated = false;
    let settle: (o: JobOutcome) => void = () => undefined;
    const ended = new Promise<JobOutcome>((resolve) => (settle = resolve));
    const metadata = { ...req.metadata, livekit_job: { id: req.job.id, room: req.job.room?.name ?? '' } };
    attachAssignedJob(req.reservation, {
      jobBytes: req.job.toBinary(),
      url: req.url,
      token: req.token,
      workerId: req.workerId,
      acceptArguments: req.accept,
    });
    const attempt = this.host.startReserved(
      req.reservation,
      metadata,
      (s) => {
        session = s;
        if (terminated) s.hangUp(TERMINATE_GRACE_MS);
        return s.ended;
      },
      (status, error) => settle({ ok: status !== 'failed', error }),
    );
    if (!attempt.admitted) settle({ ok: false, error: `could not start: ${attempt.reason}` });
    return {
      jobId: req.job.id,
      sessionId: attempt.admitted ? attempt.sessionId : null,
      terminate: () => {
        terminated = true;
        session?.hangUp(TERMINATE_GRACE_MS);
      },
      ended,
    };
  }
}
