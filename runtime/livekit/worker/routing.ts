// Which of our agents runs a LiveKit job, and for which tenant (issue 17, Deliver 3). Pure.
// OpenRTC's routing, in order: the registration's own agent name when it is one of ours, job
// (dispatch) metadata `agent`, room metadata `agent`, a room-name prefix `<agent>-`, then the
// only (or first registered) agent. The tenant: job metadata `tenant`, then room metadata
// `tenant`, else the default tenant (admission validates it). Job metadata is our contract
// with the dispatcher, so when present it must be a JSON object; room metadata belongs to the
// application and is only read when it happens to be one.

export interface JobFacts {
  /** The agent name the job was dispatched to ('' for automatic dispatch). */
  agentName: string;
  metadata: string;
  roomName: string;
  roomMetadata: string;
}

export type RouteVia = 'registration' | 'job_metadata' | 'room_metadata' | 'room_prefix' | 'default';

export type JobRoute =
  | { ok: true; agent: string; via: RouteVia; tenant: unknown; metadata: Record<string, unknown> }
  | { ok: false; reason: 'bad_metadata' | 'unknown_agent' | 'no_agents'; message: string };

export function routeJob(job: JobFacts, agents: readonly string[]): JobRoute {
  const jobMeta = parseObject(job.metadata);
  if (jobMeta === null) {
    return {
      ok: false,
      reason: 'bad_metadata',
      message: `job metadata is not a JSON object: ${JSON.stringify(job.metadata.slice(0, 80))}`,
    };
  }
  const roomMeta = parseObject(job.roomMetadata) ?? {};
  const tenant = jobMeta['tenant'] ?? roomMeta['tenant'];
  const metadata = tenant === undefined ? jobMeta : { ...jobMeta, tenant };
  const found = (agent: string, via: RouteVia): JobRoute => ({ ok: true, agent, via, tenant, metadata });
  if (agents.includes(job.agentName)) return found(job.agentName, 'registration');
  for (const [value, via] of [
    [jobMeta['agent'], 'job_metadata'],
    [roomMeta['agent'], 'room_metadata'],
  ] as const) {
    if (value === undefined) continue;
    if (typeof value === 'string' && agents.includes(value)) return found(value, via);
    const where = via === 'job_metadata' ? 'job' : 'room';
    return {
      ok: false,
      reason: 'unknown_agent',
      message: `${where} metadata names agent ${JSON.stringify(value)}, which this runtime does not have (agents: ${agents.join(', ') || 'none'})`,
    };
  }
  const prefixed = agents.filter((a) => job.roomName.startsWith(`${a}-`)).sort((a, b) => b.length - a.length)[0];
  if (prefixed !== undefined) return found(prefixed, 'room_prefix');
  const first = agents[0];
  if (first === undefined) return { ok: false, reason: 'no_agents', message: 'this runtime has no agents loaded' };
  return found(first, 'default');
}

/** Local calls (`openrtc call --metadata '{"agent":…}'` without an agent name) route the same way. */
export function routeLocalCall(metadata: Record<string, unknown>, agents: readonly string[]): JobRoute {
  return routeJob({ agentName: '', metadata: JSON.stringify(metadata), roomName: '', roomMetadata: '' }, agents);
}

function parseObject(text: string): Record<string, unknown> | null {
  if (text.trim() === '') return {};
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
