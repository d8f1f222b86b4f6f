// Inside an isolated tenant's child process: loads the agents, runs the sessions the parent
// sends (the same Session class, ALS scope and failure containment as the shared loop), runs the
// same loop monitor and attribution, and reports ends, replies, logs, loop stats and blocks.
// It decides nothing about admission or the breaker: the parent owns those.
import type { LoopLag } from '../../protocol/control';
import { AgentRegistry, type AgentLoadReport } from '../agents/registry';
import { attributionFor } from '../attribution/index';
import { CallChannel } from '../caller/channel';
import { captureConsole } from '../log-writer/console-capture';
import { errorSummary, type RuntimeLog } from '../log-writer/log';
import type { SessionAttribution } from '../loop-health/attribution-seam';
import { LoopLagMonitor } from '../loop-health/loop-lag';
import { systemClock } from '../policy/clock';
import { installContainment } from '../session/containment';
import { installScopeProbe } from '../session/scope';
import { Session, type ErrorOrigin, type FinalStatus } from '../session/session';
import { routeAgentsLogs } from '../agents/livekit/agents-logger';
import { disposeAgentsNative } from '../agents/livekit/agents-module';
import { assignedJobFromWire, attachAssignedJob } from '../livekit/job/job-source';
import { ChildLog } from './child-log';
import { IPC_TAG, serializeError, type ChildInit, type ChildMessage, type ParentMessage } from './messages';

const LOGGER = 'openrtc.isolation';
/** The child never decides a breaker outcome (the parent does), so its healthy timer never fires. */
const NEVER_MS = 2 ** 31 - 1;

/** ctx.say() in the child goes back to the parent's caller. */
class RelayChannel extends CallChannel {
  constructor(
    private readonly sessionId: string,
    private readonly send: (msg: ChildMessage) => void,
  ) {
    super();
  }

  override reply(text: string): void {
    this.send({ tag: IPC_TAG, type: 'say', session_id: this.sessionId, text });
  }
}

export class ChildHost {
  private readonly log: ChildLog;
  private readonly registry: AgentRegistry;
  private readonly sessions = new Map<string, Session>();
  private attribution: SessionAttribution | null = null;
  private lag: LoopLagMonitor | null = null;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly init: ChildInit,
    private readonly send: (msg: ChildMessage) => void,
  ) {
    this.log = new ChildLog(send);
    this.registry = new AgentRegistry(init.workspaceDir, init.agents, (r) => this.onAgentLoad(r));
  }

  async start(): Promise<void> {
    installScopeProbe();
    // console capture only calls writeArgs, which ChildLog has with the same contract.
    this.cleanups.push(captureConsole(this.log as unknown as RuntimeLog));
    this.cleanups.push(routeAgentsLogs(this.log));
    this.cleanups.push(
      installContainment(
        (session, error, origin) => this.sessionError(session, error, origin),
        (error, origin) =>
          this.log.write(
            'error',
            null,
            LOGGER,
            `${origin} outside any session in tenant '${this.init.tenant}' process: ${errorSummary(error)}`,
          ),
      ),
    );
    await this.registry.loadAll();
    if (this.init.watch) this.registry.watch();
    await this.startAttribution();
    const stats = setInterval(() => this.sendStats(), this.init.statsIntervalMs);
    this.cleanups.push(() => clearInterval(stats));
    this.send({ tag: IPC_TAG, type: 'ready', agents: this.registry.names() });
  }

  onMessage(msg: ParentMessage): void {
    switch (msg.type) {
      case 'start':
        this.startSession(msg);
        return;
      case 'turn':
        this.sessions.get(msg.session_id)?.channel.pushTurn(msg.text);
        return;
      case 'abort': {
        const s = this.sessions.get(msg.session_id);
        if (msg.reason === 'hang-up') s?.hangUp(msg.grace_ms);
        else s?.cancel(msg.reason, msg.grace_ms);
        return;
      }
      case 'set_threshold':
        this.attribution?.setThreshold(msg.threshold_ms);
        return;
      case 'shutdown':
        void this.shutdown();
        return;
    }
  }

  private startSession(msg: Extract<ParentMessage, { type: 'start' }>): void {
    const agent = this.registry.get(msg.agent_name);
    if (!agent) {
      const error = serializeError(
        new Error(
          `agent '${msg.agent_name}' is not loaded in tenant '${this.init.tenant}' process (loaded: ${this.registry.names().join(', ') || 'none'})`,
        ),
      );
      this.send({ tag: IPC_TAG, type: 'ended', session_id: msg.session_id, status: 'failed', error });
      return;
    }
    const scope = { sessionId: msg.session_id, tenant: this.init.tenant, agentName: agent.name };
    const slot = { tenant: this.init.tenant, agent: agent.name, probe: false };
    // Worker mode: the LiveKit job the parent accepted runs here, with its room and job context.
    if (msg.livekit_job) attachAssignedJob(slot, assignedJobFromWire(msg.livekit_job));
    const session = new Session({
      sessionId: msg.session_id,
      tenant: this.init.tenant,
      agent,
      metadata: msg.metadata,
      tenantConfig: Object.freeze({ ...msg.tenant_config }),
      slot,
      channel: new RelayChannel(msg.session_id, this.send),
      log: this.log.scoped(scope, `agent.${agent.name}`),
      clock: systemClock,
      healthyAfterMs: NEVER_MS,
      hooks: {
        outcome: () => undefined,
        finished: (s, status, detail) => this.finished(s, status, detail.error),
        // The parent logs every one and decides which counts (its Session has the same rule).
        lateError: (s, error, origin) =>
          this.send({
            tag: IPC_TAG,
            type: 'late_error',
            session_id: s.id,
            origin,
            error: serializeError(error, (x) => this.registry.mapStack(x)),
          }),
      },
    });
    this.sessions.set(session.id, session);
    session.start();
  }

  private finished(session: Session, status: FinalStatus, error: unknown): void {
    this.sessions.delete(session.id);
    this.attribution?.forgetSession(session.id);
    const serialized = status === 'failed' ? serializeError(error, (s) => this.registry.mapStack(s)) : null;
    this.send({ tag: IPC_TAG, type: 'ended', session_id: session.id, status, error: serialized });
  }

  private sessionError(session: Session, error: unknown, origin: ErrorOrigin): void {
    session.fail(error, origin);
  }

  private async startAttribution(): Promise<void> {
    const log = (line: string): void => this.log.write('warn', null, 'openrtc', line);
    const attribution = attributionFor(() => ({ agentBundle: (name) => this.registry.bundleFor(name) }))({
      thresholdMs: this.init.slowThresholdMs,
      log,
      isLive: (sessionId) => this.sessions.has(sessionId),
    });
    try {
      await attribution.start();
    } catch (err) {
      // Loop lag is still measured; only who-blocked is lost. Said once, in the shared log.
      this.log.write(
        'warn',
        null,
        LOGGER,
        `tenant '${this.init.tenant}' process: loop attribution unavailable (${errorSummary(err)}); measuring loop lag only`,
      );
      this.lag = new LoopLagMonitor();
      return;
    }
    this.cleanups.push(attribution.onBlock((report) => this.send({ tag: IPC_TAG, type: 'block', report })));
    this.attribution = attribution;
  }

  private sendStats(): void {
    const sessions: Record<string, ReturnType<SessionAttribution['sessionState']>> = {};
    for (const id of this.sessions.keys())
      sessions[id] = this.attribution?.sessionState(id) ?? {
        slow: false,
        blocked_ms_last: null,
        blocked_frames: null,
        cpu_pct: 0,
      };
    const lag: LoopLag = this.attribution?.loopLag() ?? this.lag?.read() ?? { p50_ms: 0, p99_ms: 0, max_ms: 0 };
    this.send({
      tag: IPC_TAG,
      type: 'stats',
      loop_lag: lag,
      rss_mb: Math.round((process.memoryUsage.rss() / (1024 * 1024)) * 100) / 100,
      sessions,
    });
  }

  private onAgentLoad(r: AgentLoadReport): void {
    if (!r.ok)
      this.log.write(
        'error',
        null,
        LOGGER,
        `tenant '${this.init.tenant}' process: ${r.reload ? '[reload]' : '[agents]'} ${r.file} failed: ${r.error}`,
      );
  }

  /** Sessions still live were already failed or ended by the parent; stop and let the process exit. */
  private async shutdown(): Promise<void> {
    for (const s of this.sessions.values()) s.cancel('drain', 0);
    this.registry.close();
    for (const c of this.cleanups.splice(0).reverse()) c();
    await this.attribution?.stop();
    this.lag?.stop();
    await disposeAgentsNative();
    process.disconnect?.();
  }
}
