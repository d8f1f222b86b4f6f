// How a job LiveKit assigned (worker mode) reaches the session that runs it: the worker places
// a session with a JobSource, and the agents-js adapter runs that job (its proto Job, url/token
// and a real Room) instead of a local fake job. Keyed by the session's context object, so it
// never shows in metadata, snapshots or logs (it carries the room token).
import type { JobContext, RunningJobInfo } from '@livekit/agents';

/** rtc-node's Room as agents-js's types name it (the package's own copy of rtc-node). */
export type JobRoom = JobContext['room'];

export interface JobSource {
  info: RunningJobInfo;
  room: JobRoom;
}

const sources = new WeakMap<object, JobSource>();

export function attachJobSource(sessionContext: object, source: JobSource): void {
  sources.set(sessionContext, source);
}

export function jobSourceOf(sessionContext: object): JobSource | undefined {
  return sources.get(sessionContext);
}
