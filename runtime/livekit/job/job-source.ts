// How a job LiveKit assigned (worker mode) reaches the agent that runs it. The worker attaches
// the assignment to the reserved slot before the session starts in it; the agents-js adapter
// finds it through its session's slot and runs that job (its proto Job, url/token and a real
// Room) instead of a local fake job. For an isolated tenant the parent's relay sends the same
// assignment to the child (the Job as its protobuf bytes), which attaches it to its own slot.
// Keyed by the slot object, so it never shows in metadata, snapshots or logs (it carries the
// room token).
import type { JobAcceptArguments, JobContext, RunningJobInfo } from '@livekit/agents';
import type { ProtocolModule } from '../../agents/livekit/agents-module';
import type { Slot } from '../../policy/admission';

/** rtc-node's Room as agents-js's types name it (the package's own copy of rtc-node). */
export type JobRoom = JobContext['room'];

/** A job LiveKit assigned to this worker, in a form any copy of @livekit/protocol can read. */
export interface AssignedJob {
  /** The proto Job, `Job.toBinary()`: read back with the agent's own copy of the protocol classes. */
  jobBytes: Uint8Array;
  /** Where the job's room is (the assignment's url, else the worker's). */
  url: string;
  /** The agent participant's room token, minted by the server; never logged. */
  token: string;
  workerId: string;
  /** What the availability answer told the server about the agent participant. */
  acceptArguments: JobAcceptArguments;
}

const assigned = new WeakMap<Slot, AssignedJob>();

export function attachAssignedJob(slot: Slot, job: AssignedJob): void {
  assigned.set(slot, job);
}

export function assignedJobOf(slot: Slot | undefined): AssignedJob | undefined {
  return slot ? assigned.get(slot) : undefined;
}

/** The assignment as it crosses the isolation IPC channel (JSON). */
export interface AssignedJobWire {
  job_b64: string;
  url: string;
  token: string;
  worker_id: string;
  accept: { name: string; identity: string; metadata: string; attributes: Record<string, string> };
}

export function assignedJobToWire(a: AssignedJob): AssignedJobWire {
  return {
    job_b64: Buffer.from(a.jobBytes).toString('base64'),
    url: a.url,
    token: a.token,
    worker_id: a.workerId,
    accept: {
      name: a.acceptArguments.name,
      identity: a.acceptArguments.identity,
      metadata: a.acceptArguments.metadata,
      attributes: { ...(a.acceptArguments.attributes ?? {}) },
    },
  };
}

export function assignedJobFromWire(w: AssignedJobWire): AssignedJob {
  return {
    jobBytes: new Uint8Array(Buffer.from(w.job_b64, 'base64')),
    url: w.url,
    token: w.token,
    workerId: w.worker_id,
    acceptArguments: { ...w.accept },
  };
}

/** The RunningJobInfo agents-js's JobContext takes, with the Job read by the agent's own protocol copy. */
export function runningJobInfo(protocol: ProtocolModule, a: AssignedJob): RunningJobInfo {
  return {
    acceptArguments: a.acceptArguments,
    job: protocol.Job.fromBinary(a.jobBytes),
    url: a.url,
    token: a.token,
    workerId: a.workerId,
  };
}
