// Runs one LiveKit job as one of our sessions, on the shared loop: what LiveKit's job child does
// (ipc/job_proc_lazy_main.ts startJob + job_lifecycle.ts finalizeSession), minus what belongs to
// a process that runs one job and exits (logger stamping, rtc dispose, process.exit).
//
// Call run() inside the session's scope: the JobContext is entered there, so getJobContext(),
// currentSession(), scoped logs and loop attribution all see the same session.
//
// `entry` returning does not end the job. It ends at the first of: our signal (hang-up, cancel,
// drain, failure), ctx.shutdown(), room disconnect, the primary AgentSession closing or failing,
// or entry rejecting. Then, each bounded: wait for entry, close the primary AgentSession,
// onSessionEnd (only if the close worked, as LiveKit does), ctx._onSessionEnd(), room
// disconnect, shutdown callbacks.
import type { AgentDefinition, JobContext, JobProcess, RunningJobInfo, voice } from '@livekit/agents';
import type { LoadedAgentsPackage } from '../../agents/livekit/agents-module';
import { bounded } from './bounded';
import { describeCause, isFatalSessionError, sessionErrorCause, type JobEndCause } from './job-end';
import type { JobRoom } from './job-source';

export interface JobBounds {
  /** How long entry may take to settle after the job ended. */
  entryShutdownMs: number;
  sessionCloseMs: number;
  onSessionEndMs: number;
  roomDisconnectMs: number;
  shutdownCallbacksMs: number;
}

export const DEFAULT_JOB_BOUNDS: JobBounds = {
  entryShutdownMs: 15_000,
  sessionCloseMs: 60_000,
  onSessionEndMs: 30_000,
  roomDisconnectMs: 10_000,
  shutdownCallbacksMs: 30_000,
};

export interface JobRunSpec {
  pkg: LoadedAgentsPackage;
  definition: AgentDefinition;
  /** The agent version's JobProcess (prewarmed once, userData shared by its jobs). */
  proc: JobProcess;
  info: RunningJobInfo;
  room: JobRoom;
  /** Aborted when our session ends for its own reasons (hang-up, cancel, drain, failure). */
  signal: AbortSignal;
  bounds: JobBounds;
  /** Called once with the job's primary AgentSession as soon as the agent has started it. */
  onAgentSession?: (session: voice.AgentSession) => void;
  /** End-of-job steps that failed or hung (the job goes on ending). */
  report: (message: string, error?: unknown) => void;
}

/** How often the runner looks for the primary AgentSession the agent's entry starts. */
const SESSION_PROBE_MS = 5;

export class LiveKitJob {
  readonly ctx: JobContext;
  private cause: JobEndCause | null = null;
  private wake: () => void = () => undefined;
  private readonly ended = new Promise<void>((resolve) => (this.wake = resolve));
  private primary: voice.AgentSession | null = null;

  constructor(private readonly spec: JobRunSpec) {
    const { agents } = spec.pkg;
    this.ctx = new agents.JobContext(
      spec.proc,
      spec.info,
      spec.room,
      () => undefined,
      (reason: string) => this.end({ kind: 'shutdown', reason }),
      noInference,
    );
    this.ctx._simulationEndFnc = spec.definition.onSimulationEnd;
  }

  /** Ends the job for `cause` unless it already ended (the first cause wins). */
  end(cause: JobEndCause): void {
    if (this.cause) return;
    this.cause = cause;
    this.wake();
  }

  /** Runs the job to its end and through its end sequence; resolves with why it ended. */
  async run(): Promise<JobEndCause> {
    const { spec, ctx } = this;
    const onSignal = (): void => this.end({ kind: 'signal', reason: String(spec.signal.reason ?? 'ended') });
    if (spec.signal.aborted) onSignal();
    else spec.signal.addEventListener('abort', onSignal, { once: true });
    const onDisconnected = (): void => this.end({ kind: 'room_disconnected' });
    spec.room.on(spec.pkg.rtc.RoomEvent.Disconnected, onDisconnected);
    const probe = setInterval(() => this.findPrimary(), SESSION_PROBE_MS);

    const entry = spec.pkg.agents.runWithJobContextAsync(ctx, () => spec.definition.entry(ctx));
    entry.then(
      () => this.findPrimary(),
      (error: unknown) => this.end({ kind: 'entry_rejected', error }),
    );
    await this.ended;
    clearInterval(probe);
    spec.signal.removeEventListener('abort', onSignal);
    spec.room.off(spec.pkg.rtc.RoomEvent.Disconnected, onDisconnected);

    const b = spec.bounds;
    const problem = (what: string) => (result: string, error?: unknown) =>
      spec.report(
        `${what} ${result === 'timed_out' ? 'did not finish in time' : 'failed'}; ending the job anyway`,
        error,
      );
    // A rejection here is already the cause (or comes after the end): not reported twice.
    await bounded(() => entry.catch(() => undefined), b.entryShutdownMs, problem('entry'));
    await spec.pkg.agents.runWithJobContextAsync(ctx, async () => {
      const session = ctx._primaryAgentSession;
      const closed =
        !session ||
        (await bounded(() => session.close(), b.sessionCloseMs, problem('AgentSession.close()'))) === 'done';
      const onSessionEnd = spec.definition.onSessionEnd;
      if (closed && onSessionEnd) await bounded(() => onSessionEnd(ctx), b.onSessionEndMs, problem('onSessionEnd'));
      await bounded(() => ctx._onSessionEnd(), b.onSessionEndMs, problem('ctx._onSessionEnd()'));
      await bounded(() => spec.room.disconnect(), b.roomDisconnectMs, problem('room.disconnect()'));
      await bounded(
        () =>
          Promise.all(
            ctx.shutdownCallbacks.map((cb) => bounded(cb, b.shutdownCallbacksMs, problem('a shutdown callback'))),
          ),
        b.shutdownCallbacksMs,
        problem('the shutdown callbacks'),
      );
    });
    return this.cause!;
  }

  /** Why the job ended, in words, once it has. */
  describe(): string {
    return this.cause ? describeCause(this.cause) : 'running';
  }

  /** Whatever the bridge starts from here (replies to caller turns) must run in the job context. */
  private findPrimary(): void {
    this.spec.pkg.agents.runWithJobContext(this.ctx, () => this.attachPrimary());
  }

  private attachPrimary(): void {
    const session = this.ctx._primaryAgentSession;
    if (!session || this.primary === session) return;
    this.primary = session;
    const events = this.spec.pkg.agents.voice.AgentSessionEventTypes;
    session.on(events.Error, (ev: voice.ErrorEvent) => {
      if (isFatalSessionError(ev.error)) this.end({ kind: 'session_error', error: sessionErrorCause(ev.error) });
    });
    session.on(events.Close, (ev: voice.CloseEvent) => {
      if (ev.reason === 'error')
        this.end({
          kind: 'session_closed_with_error',
          error: sessionErrorCause(ev.error, 'AgentSession closed with reason error'),
        });
      else this.end({ kind: 'session_closed', reason: String(ev.reason) });
    });
    this.spec.onAgentSession?.(session);
  }
}

/**
 * Local turn-detector models run in LiveKit's shared inference child; a session here that asks
 * for one gets a clear error instead (text sessions need none).
 */
const noInference = {
  doInference(method: string): Promise<unknown> {
    return Promise.reject(new Error(`local inference (${method}) is not available in the OpenRTC runtime`));
  },
};
