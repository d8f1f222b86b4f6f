// agents-js raises unhandled rejections of its own (LiveKit's job child logs and ignores them:
// job_proc_lazy_main.ts). Here they carry the session's scope, so containment would fail a
// healthy session for them. Policy: a rejection whose stack runs only through @livekit/* packages
// and Node's internals is agents-js's own: logged for the session, never counted. It fails the
// session only by ending it (the job runner reports that end, e.g. an AgentSession closing with
// reason error). A rejection with any frame of the user's code stays the session's failure.
const FRAME = /^\s*at (?:.*? \()?(.*?):\d+:\d+\)?$/;

export function isAgentsInternalRejection(error: unknown): boolean {
  const stack = error instanceof Error ? error.stack : undefined;
  if (!stack) return false;
  const files = stack
    .split('\n')
    .map((line) => FRAME.exec(line)?.[1])
    .filter((f): f is string => f !== undefined);
  if (files.length === 0) return false;
  const inAgents = (f: string): boolean => /[\\/]node_modules[\\/]@livekit[\\/]/.test(f);
  const internal = (f: string): boolean => f.startsWith('node:') || f === 'native' || f === '<anonymous>';
  return files.some(inAgents) && files.every((f) => inAgents(f) || internal(f));
}
