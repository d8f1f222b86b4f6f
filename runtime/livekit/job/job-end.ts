// Why a job ends, and whether that end is the session's failure (DESIGN §3.11, issue 12 item 4):
// entry rejecting, an AgentSession error that is not recoverable, and a close with reason error
// are failures; hang-up, cancel, drain, ctx.shutdown(), room disconnect and an ordinary close
// of the primary AgentSession are not.
export type JobEndCause =
  | { kind: 'signal'; reason: string }
  | { kind: 'shutdown'; reason: string }
  | { kind: 'room_disconnected' }
  | { kind: 'session_closed'; reason: string }
  | { kind: 'entry_rejected'; error: unknown }
  | { kind: 'session_error'; error: unknown }
  | { kind: 'session_closed_with_error'; error: unknown };

export function isFailure(cause: JobEndCause): cause is Extract<JobEndCause, { error: unknown }> {
  return (
    cause.kind === 'entry_rejected' || cause.kind === 'session_error' || cause.kind === 'session_closed_with_error'
  );
}

/** An AgentSession `error` event ends the job only when the error says it is not recoverable. */
export function isFatalSessionError(error: unknown): boolean {
  return error !== null && typeof error === 'object' && (error as { recoverable?: unknown }).recoverable === false;
}

export function describeCause(cause: JobEndCause): string {
  switch (cause.kind) {
    case 'signal':
      return `session ended (${cause.reason})`;
    case 'shutdown':
      return `ctx.shutdown(${JSON.stringify(cause.reason)})`;
    case 'room_disconnected':
      return 'room disconnected';
    case 'session_closed':
      return `AgentSession closed (${cause.reason})`;
    case 'entry_rejected':
      return 'entry rejected';
    case 'session_error':
      return 'AgentSession error (not recoverable)';
    case 'session_closed_with_error':
      return 'AgentSession closed with reason error';
  }
}

/**
 * The Error to report for an AgentSession error event: agents-js wraps the provider's error in a
 * plain object ({ type, label, error, recoverable }) that would print as "{}".
 */
export function sessionErrorCause(event: unknown, what = 'AgentSession error'): unknown {
  const inner = event !== null && typeof event === 'object' ? (event as { error?: unknown }).error : undefined;
  if (inner instanceof Error) return inner;
  const label = event !== null && typeof event === 'object' ? String((event as { label?: unknown }).label ?? '') : '';
  return new Error(`${what}${label ? ` from ${label}` : ''}${event ? ' (not recoverable)' : ''}`);
}
