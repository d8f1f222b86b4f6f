// The Runtime: ties config, agents, admission, the breaker, sessions, logs and metrics together
// and implements the ControlApi the control socket serves. Lifecycle: Runtime.start() →
// drain() → stop(). Signals are not handled here: whether SIGTERM drains or exits is the
// embedding program's (the CLI's) decision.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  ControlError,
  ErrorCodes,
  PROTOCOL_VERSION,
  type BreakerSnapshot,
  type CancelSessionParams,
  type DrainParams,
  type HelloParams,
  type HelloResult,
  type LogsParams,
  type LogsResult,
  type ReloadConfigResult,
  type RuntimeEvent,
  type RuntimeSnapshot,
  type SessionRow,
  type SetBreakerParams,
  type SetSlowThresholdParams,
  type SetTenantCapParams,
  type StartCallsParams,
  type StartCallsResult,
  type TenantParams,
  type TenantSnapshot,
  type ControlApi,
  type LiveKitWorkerSnapshot,
} from '../protocol/control';
import { Methods } from '../protocol/methods';
import { AgentRegistry, type AgentLoadReport } from './agents/registry';
import { DEFAULT_CALL_SCRIPT, type CallScript } from './caller/local-caller';
import { runLoad } from './caller/load';
import { breakerDefaultsFromConfig, capsFromConfig } from './config/apply';
import { defaultConfig, loadConfigFile } from './config/load';
import type { OpenrtcConfig } from './config/types';
import { watchConfigFile } from './config/watch';
import { validateParams } from './control/params';
import { SessionManager, scriptFromParams } from './engine/session-manager';
import { knownTenant, tenantInUse, type TenantStateHolders } from './engine/tenant-presence';
import { agentLoadNotice, breakerNotice, type Notice } from './engine/notices';
import { buildSnapshot, sessionRows, tenantSnapshot, type SnapshotSources } from './engine/snapshot';
import { DEFAULT_RETAINED_TENANTS } from './engine/tenant-retention';
import { EventBus } from './events/event-bus';
import { MetricsFile } from './events/metrics-file';
import { captureConsole } from './log-writer/console-capture';
import { describeError, errorSummary, RuntimeLog } from './log-writer/log';
import { queryLogFile } from './log-reader/reader';
import type { AttributionFactory, LoopBlockReport, SessionAttribution } from './loop-health/attribution-seam';
import { LoopLagMonitor } from './loop-health/loop-lag';
import { MemoryWatermark } from './loop-health/memory-watermark';
import { Admission } from './policy/admission';
import { TenantBreakers, type BreakerGate, type BreakerTransition } from './policy/breaker';
import { isoTime, systemClock, type Clock } from './policy/clock';
import { AutoIsolation } from './engine/auto-isolation';
import { IsolationMemory, ISOLATION_MEMORY_FILE } from './engine/isolation-memory';
import { StallRecovery } from './engine/stall-recovery';
import { IsolationManager, type IsolationOptions } from './isolation/isolation-manager';
import { routeAgentsLogs } from './agents/livekit/agents-logger';
import { installContainment } from './session/containment';
import { installScopeProbe } from './session/scope';
import type { JobHost } from './livekit/worker/job-host';
import { routeLocalCall } from './livekit/worker/routing';
import { sessionOfScope } from './session/session';
import { checkVoiceCall } from './agents/livekit/voice/voice-params';
import type { FleetAdmission } from './fleet/fleet-admission';
import { createRuntimeFleet, fleetBlockChanged, fleetSettingsAtStart, openFleetLink } from './fleet/runtime-fleet';
import { createFleetShared, type FleetShared } from './fleet/fleet-shared';
import type { FleetSettings } from './fleet/settings';
import type { FleetRuntimeStatus } from '../protocol/fleet-status';

export const RUNTIME_VERSION = '0.1.0';
const LOGGER = 'openrtc';
/** How long an aborted session may take to return before it is ended for it. */
const ABORT_GRACE_MS = 2_000;
const DEFAULT_DRAIN_TIMEOUT_S = 30;

export interface RuntimeStartOptions {
  workspaceDir: string;
  /** Default: `<workspaceDir>/openrtc.json` when it exists, else built-in defaults. */
  configPath?: string;
  /** Loop-block/CPU attribution (runtime/attribution); without it cpu/blocked figures stay 0/null. */
  attribution?: AttributionFactory;
  /** Watch openrtc.json and agent files for changes (default true). */
  watch?: boolean;
  /** Where `<key>_env` secrets are read from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Caller defaults (reply timeout, hang-up grace); tests shorten them. */
  callScript?: Partial<CallScript>;
  clock?: Clock;
  /** Per-tenant child processes (runtime/isolation): child program, timeouts, restart backoff. */
  isolation?: IsolationOptions;
  /** Called once the drain that `memory_limit_mb` started has finished: the embedder exits non-zero. */
  onMemoryLimitDrained?: () => void;
  /** Idle tenants whose counters are kept before the oldest are folded into one aggregate (default 10,000). */
  retainedTenants?: number;
}

export class Runtime implements ControlApi {
  private readonly bus = new EventBus();
  private readonly breakers: BreakerGate;
  private readonly admission: Admission;
  private readonly registry: AgentRegistry;
  private readonly manager: SessionManager;
  private readonly metrics: MetricsFile;
  private readonly lag = new LoopLagMonitor();
  private readonly memory: MemoryWatermark;
  private readonly isolation: IsolationManager;
  private readonly autoIsolation: AutoIsolation;
  private readonly stallRecovery: StallRecovery;
  private holders: TenantStateHolders | undefined;
  private readonly startedAtMs: number;
  private readonly callScript: CallScript;
  private attribution: SessionAttribution | null = null;
  private slowThresholdOverride: number | null = null;
  private readonly cleanups: (() => void)[] = [];
  private stopped = false;
  private liveKitView: (() => LiveKitWorkerSnapshot[]) | null = null;
  /** Fleet mode (runtime/fleet); null without a `fleet` block. */
  private readonly fleet: FleetAdmission | null;
  /** Fleet breakers and tenant settings (runtime/fleet/fleet-shared.ts); null without a `fleet` block. */
  private readonly shared: FleetShared | null;

  private constructor(
    readonly workspaceDir: string,
    readonly configPath: string | null,
    private config: OpenrtcConfig,
    private readonly log: RuntimeLog,
    private readonly clock: Clock,
    private readonly opts: RuntimeStartOptions,
    fleetSettings: FleetSettings | null,
  ) {
    this.startedAtMs = clock.now();
    this.callScript = { ...DEFAULT_CALL_SCRIPT, ...opts.callScript };
    const fleetLink = openFleetLink(fleetSettings);
    const localBreakers = new TenantBreakers(breakerDefaultsFromConfig(config), clock, (t) => this.onBreaker(t));
    this.shared = createFleetShared(fleetSettings, fleetLink, {
      local: localBreakers,
      clock,
      applyCap: (tenant, cap) => this.applyCap(tenant, cap, 'fleet-wide (shared through Redis)'),
      onTransition: (t, decidedBy) => this.onBreaker(t, decidedBy),
      log: (level, tenant, line) => log.write(level, tenant === null ? null : { tenant }, LOGGER, line),
    });
    this.breakers = this.shared?.breakers ?? localBreakers;
    this.registry = new AgentRegistry(workspaceDir, config.agents, (r) => this.onAgentLoad(r));
    this.admission = new Admission(
      capsFromConfig(config),
      this.breakers,
      (name) => this.registry.get(name) !== undefined,
    );
    this.fleet = createRuntimeFleet(fleetSettings, fleetLink, {
      admission: this.admission,
      clock,
      log: (level, tenant, line) => log.write(level, tenant === null ? null : { tenant }, LOGGER, line),
    });
    this.manager = new SessionManager({
      ...(this.fleet ? { fleet: this.fleet } : {}),
      admission: this.admission,
      breakers: this.breakers,
      registry: this.registry,
      log,
      bus: this.bus,
      clock,
      config: () => this.config,
      env: opts.env ?? process.env,
      onSessionGone: (id) => {
        this.attribution?.forgetSession(id);
        this.isolation.forgetSession(id);
      },
      agentFor: (tenant, agent) => this.isolation.agentFor(tenant, agent),
      retainedTenants: opts.retainedTenants ?? DEFAULT_RETAINED_TENANTS,
      tenantInUse: (tenant) => tenantInUse(tenant, this.tenantStateHolders()),
    });
    this.isolation = new IsolationManager({
      workspaceDir,
      config: () => this.config,
      watch: opts.watch !== false,
      graceMs: this.callScript.hangUpGraceMs,
      slowThresholdMs: () => this.slowThresholdOverride ?? this.config.slow_session_threshold_ms,
      log,
      emit: (e) => this.emit(e),
      knownTenant: (t) => knownTenant(t, this.tenantStateHolders()),
      onLateError: (ctx, error, origin) => {
        const session = sessionOfScope(ctx);
        if (session) this.manager.sessionError(session, error, origin);
      },
      ...(opts.isolation ? { options: opts.isolation } : {}),
    });
    this.autoIsolation = new AutoIsolation({
      clock,
      rule: () => this.config.tenant_auto_isolate,
      isIsolated: (t) => this.isolation.isIsolated(t),
      isolate: (t) => this.isolation.isolate(t),
      log: (level, tenant, line) => this.log.write(level, { tenant }, LOGGER, line),
    });
    this.stallRecovery = new StallRecovery({
      workspaceDir,
      memory: new IsolationMemory(resolve(workspaceDir, ISOLATION_MEMORY_FILE)),
      log: (level, scope, line) => this.log.write(level, scope, LOGGER, line),
      flush: () => this.log.flushSync(),
      exit: (code) => process.exit(code),
      isolate: (t) => this.isolation.isolate(t),
      nowIso: () => isoTime(this.clock),
    });
    this.metrics = new MetricsFile(resolve(workspaceDir, config.metrics_jsonl));
    this.bus.on((e) => this.metrics.write('event', e));
    this.memory = new MemoryWatermark(
      (level, message) => this.log.write(level, null, LOGGER, message),
      () => void this.drain({}).then(() => this.opts.onMemoryLimitDrained?.()),
    );
  }

  /** Loads and validates the config (a bad one throws ConfigError and starts nothing), then agents. */
  static async start(opts: RuntimeStartOptions): Promise<Runtime> {
    const workspaceDir = resolve(opts.workspaceDir);
    const defaultPath = join(workspaceDir, 'openrtc.json');
    const configPath = opts.configPath ? resolve(opts.configPath) : existsSync(defaultPath) ? defaultPath : null;
    const config = configPath ? await loadConfigFile(configPath) : defaultConfig();
    const fleetSettings = fleetSettingsAtStart(config, configPath, opts.env ?? process.env);
    const log = new RuntimeLog(resolve(workspaceDir, config.log_file));
    const rt = new Runtime(workspaceDir, configPath, config, log, opts.clock ?? systemClock, opts, fleetSettings);
    await rt.boot();
    return rt;
  }

  private async boot(): Promise<void> {
    installScopeProbe();
    this.cleanups.push(captureConsole(this.log));
    this.cleanups.push(routeAgentsLogs(this.log));
    this.cleanups.push(
      installContainment(
        (session, error, origin) => this.manager.sessionError(session, error, origin),
        (error, origin) =>
          this.log.write(
            'error',
            null,
            LOGGER,
            `${origin} outside any session: ${errorSummary(error)}`,
            describeError(error),
          ),
      ),
    );
    this.log.write(
      'info',
      null,
      LOGGER,
      `runtime ${RUNTIME_VERSION} starting in ${this.workspaceDir} (config: ${this.configPath ?? 'defaults'})`,
    );
    await this.registry.loadAll();
    await this.isolation.applyConfig(this.config);
    this.shared?.start();
    await this.stallRecovery.isolateRemembered();
    await this.fleet?.start();
    if (this.opts.attribution) {
      const attribution = this.opts.attribution({
        thresholdMs: this.config.slow_session_threshold_ms,
        log: (line, scope) => this.log.write('warn', scope, LOGGER, line),
        isLive: (sessionId) => this.manager.live.has(sessionId),
      });
      await attribution.start();
      this.cleanups.push(attribution.onBlock((r) => this.onLoopBlock(r)));
      this.attribution = attribution;
      this.applyStallExit();
    }
    if (this.opts.watch !== false) {
      this.registry.watch();
      if (this.configPath) {
        const w = watchConfigFile(this.configPath, () => void this.reloadConfig());
        this.cleanups.push(() => w.close());
      }
    }
    const tick = setInterval(() => this.metricsTick(), this.config.metrics_interval_s * 1000);
    tick.unref();
    this.cleanups.push(() => clearInterval(tick));
    this.log.write(
      'info',
      null,
      LOGGER,
      `runtime ready: ${this.registry.names().length} agent(s): ${this.registry.names().join(', ') || '(none)'}`,
    );
  }

  get logFile(): string {
    return this.log.file;
  }

  get metricsFile(): string {
    return this.metrics.path;
  }

  /** The bundled code of an agent version by the script name in its stack frames (source maps). */
  agentBundle(scriptName: string): string | undefined {
    return this.registry.bundleFor(scriptName);
  }

  /** Waits until pending agent hot reloads have been applied. */
  agentsSettled(): Promise<void> {
    return this.registry.settled();
  }

  /** LiveKit worker mode (runtime/livekit/worker): admission that reserves, sessions in reserved slots. */
  jobHost(): JobHost {
    return {
      agentNames: () => this.registry.names(),
      reserve: (agent, metadata) => this.manager.reserve(agent, metadata),
      release: (slot) => this.manager.release(slot),
      agent: (name) => this.registry.get(name),
      startReserved: (slot, metadata, drive, onEnd) => this.manager.startReserved(slot, metadata, drive, onEnd),
      activeTotal: () => this.admission.activeTotal(),
      workerCap: () => this.admission.maxConcurrentSessions,
      isDraining: () => this.admission.isDraining(),
      log: (level, tenant, message) => this.log.write(level, tenant === null ? null : { tenant }, LOGGER, message),
    };
  }

  /** The `livekit` block of the running config (names of environment variables, never values). */
  liveKitConfig(): OpenrtcConfig['livekit'] {
    return this.config.livekit ?? {};
  }

  /** This runtime's part in the fleet (issue 15); null without a `fleet` block. */
  fleetStatus(): FleetRuntimeStatus | null {
    return this.fleet?.status() ?? null;
  }

  /** Where the snapshot's `livekit` block comes from while worker mode runs. */
  setLiveKitView(view: (() => LiveKitWorkerSnapshot[]) | null): void {
    this.liveKitView = view;
  }

  // ---- ControlApi -------------------------------------------------------------------------

  hello(params: HelloParams): HelloResult {
    validateParams(Methods.hello, params);
    return {
      protocol_version: PROTOCOL_VERSION,
      runtime_version: RUNTIME_VERSION,
      pid: process.pid,
      node_version: process.version,
      workspace: this.workspaceDir,
      config_path: this.configPath,
      log_file: this.log.file,
      metrics_file: this.metrics.path,
      capabilities: Object.values(Methods),
    };
  }

  snapshot(): RuntimeSnapshot {
    return this.decoratedSnapshot(this.admission.isDraining());
  }

  sessions(): SessionRow[] {
    return this.isolation.decorateRows(sessionRows(this.sources()));
  }

  async startCalls(params: StartCallsParams): Promise<StartCallsResult> {
    validateParams(Methods.startCalls, params);
    const metadata = { ...params.metadata, ...(params.tenant !== undefined ? { tenant: params.tenant } : {}) };
    const route = params.agent === undefined ? routeLocalCall(metadata, this.registry.names()) : null;
    if (route && !route.ok) throw new ControlError(ErrorCodes.UnknownAgent, `startCalls: ${route.message}`);
    const agentName = route?.ok ? route.agent : (params.agent ?? '');
    const agent = this.registry.get(agentName);
    if (!agent) {
      throw new ControlError(
        ErrorCodes.UnknownAgent,
        `startCalls: no agent named ${JSON.stringify(agentName)} (registered: ${this.registry.names().join(', ') || 'none'})`,
      );
    }
    await checkVoiceCall(params, agent, (tenant) => this.isolation.runsInProcess(tenant));
    const script = scriptFromParams(params, this.callScript);
    const count = params.count ?? 1;
    const run = runLoad(
      { count, concurrency: params.concurrency ?? count, ...(params.rate !== undefined ? { rate: params.rate } : {}) },
      () => this.manager.place(agentName, metadata, script),
    );
    if (params.wait === false) {
      await run.dispatched;
      return structuredClone(run.result);
    }
    return run.done;
  }

  /** One call placed directly (tests, benchmarks, embedding); same path as startCalls. */
  placeCall(agent: string, metadata: Record<string, unknown>, say: string[] = []) {
    return this.manager.place(agent, metadata, { ...this.callScript, turns: say });
  }

  cancelSession(params: CancelSessionParams): void {
    validateParams(Methods.cancelSession, params);
    if (!this.manager.cancel(params.session_id, ABORT_GRACE_MS)) {
      throw new ControlError(
        ErrorCodes.UnknownSession,
        `cancelSession: no live session ${JSON.stringify(params.session_id)}`,
      );
    }
    this.log.write('info', null, LOGGER, `session ${params.session_id} cancelled by operator`);
  }

  setTenantCap(params: SetTenantCapParams): TenantSnapshot {
    validateParams(Methods.setTenantCap, params);
    this.applyCap(params.tenant, params.cap, this.shared ? 'here and for the fleet' : null);
    this.shared?.tenantChanged(params.tenant, { cap: params.cap });
    return this.tenantView(params.tenant);
  }

  private applyCap(tenant: string, cap: number | null, scope: string | null): void {
    const before = this.admission.tenantCap(tenant);
    this.admission.setTenantCap(tenant, cap);
    const after = this.admission.tenantCap(tenant);
    if (scope !== null && before === after) return;
    this.log.write(
      'info',
      { tenant },
      LOGGER,
      `[tenant] cap for '${tenant}' set to ${after ?? 'none'} (was ${before ?? 'none'})${scope ? ` ${scope}` : ''}; live sessions are not touched`,
    );
  }

  setBreaker(params: SetBreakerParams): BreakerSnapshot {
    validateParams(Methods.setBreaker, params);
    const patch = {
      enabled: params.enabled,
      cooldownS: params.cooldown_s,
      failureRatio: params.failure_ratio,
      minSamples: params.min_samples,
      windowS: params.window_s,
      maxCooldownS: params.max_cooldown_s,
      halfOpenProbes: params.half_open_probes,
    };
    const s = this.breakers.setTenantSettings(params.tenant, patch);
    this.shared?.tenantChanged(params.tenant, { breaker: patch });
    this.log.write(
      'info',
      { tenant: params.tenant },
      LOGGER,
      `[circuit-breaker] tenant '${params.tenant}' settings: enabled=${s.enabled} cooldown_s=${s.cooldownS} failure_ratio=${s.failureRatio} min_samples=${s.minSamples} window_s=${s.windowS} max_cooldown_s=${s.maxCooldownS} half_open_probes=${s.halfOpenProbes}`,
    );
    return this.breakers.snapshot(params.tenant);
  }

  setSlowThreshold(params: SetSlowThresholdParams): void {
    validateParams(Methods.setSlowThreshold, params);
    this.attribution?.setThreshold(params.threshold_ms);
    this.isolation.setThreshold(params.threshold_ms);
    this.slowThresholdOverride = params.threshold_ms;
    this.log.write('info', null, LOGGER, `slow_session_threshold_ms set to ${params.threshold_ms}`);
  }

  /** New sessions of the tenant go to a child process of its own; live ones finish on the shared loop. */
  async isolateTenant(params: TenantParams): Promise<TenantSnapshot> {
    validateParams(Methods.isolateTenant, params);
    await this.isolation.isolate(params.tenant);
    return this.tenantView(params.tenant);
  }

  /** New sessions go back to the shared loop; the child stops once its live sessions end. */
  async restoreTenant(params: TenantParams): Promise<TenantSnapshot> {
    validateParams(Methods.restoreTenant, params);
    this.isolation.restore(params.tenant);
    this.autoIsolation.restored(params.tenant);
    this.stallRecovery.restored(params.tenant);
    return this.tenantView(params.tenant);
  }

  /** Refuses new sessions, lets live ones run to hang-up for `timeout_s`, then cancels the rest. */
  async drain(params: DrainParams): Promise<void> {
    validateParams(Methods.drain, params);
    if (!this.admission.isDraining()) {
      this.admission.setDraining(true);
      this.log.write(
        'info',
        null,
        LOGGER,
        `Pool draining: rejecting new sessions; ${this.admission.activeTotal()} in-flight call(s) run to hang-up.`,
      );
      this.emit({ type: 'draining', ts: isoTime(this.clock) });
    }
    await this.manager.drainAll((params.timeout_s ?? DEFAULT_DRAIN_TIMEOUT_S) * 1000, ABORT_GRACE_MS);
  }

  async reloadConfig(): Promise<ReloadConfigResult> {
    if (!this.configPath) return { ok: false, error: `no openrtc.json in ${this.workspaceDir}; running on defaults` };
    let next: OpenrtcConfig;
    try {
      next = await loadConfigFile(this.configPath);
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      this.log.write('error', null, LOGGER, `[config] reload failed; keeping the running config:\n${error}`);
      this.emit({ type: 'config_reloaded', ts: isoTime(this.clock), ok: false, error });
      return { ok: false, error };
    }
    const previous = this.config;
    if (fleetBlockChanged(previous, next)) {
      this.log.write('warn', null, LOGGER, '[config] the fleet block changed: it applies at the next start');
      next = { ...next, fleet: previous.fleet };
    }
    this.config = next;
    this.admission.setCaps(capsFromConfig(next));
    this.breakers.setDefaults(breakerDefaultsFromConfig(next));
    if (this.slowThresholdOverride === null && next.slow_session_threshold_ms !== previous.slow_session_threshold_ms) {
      this.attribution?.setThreshold(next.slow_session_threshold_ms);
      this.isolation.setThreshold(next.slow_session_threshold_ms);
    }
    if (JSON.stringify(next.agents) !== JSON.stringify(previous.agents)) await this.registry.setSpec(next.agents);
    for (const key of ['log_file', 'metrics_jsonl', 'metrics_interval_s'] as const) {
      if (next[key] !== previous[key])
        this.log.write('warn', null, LOGGER, `[config] ${key} changed; takes effect on restart`);
    }
    await this.isolation.applyConfig(next);
    this.applyStallExit();
    this.log.write('info', null, LOGGER, '[config] reloaded; caps and breaker settings applied');
    this.emit({ type: 'config_reloaded', ts: isoTime(this.clock), ok: true, error: null });
    return { ok: true, error: null };
  }

  async logs(params: LogsParams): Promise<LogsResult> {
    validateParams(Methods.logs, params);
    this.log.flushSync();
    return queryLogFile(this.log.file, params);
  }

  onEvent(listener: (event: RuntimeEvent) => void): () => void {
    return this.bus.on(listener);
  }

  /** Stops timers, watchers and attribution and flushes logs synchronously. Live sessions are
   *  cancelled (drain first for a graceful stop). Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.admission.setDraining(true);
    for (const s of this.manager.live.values()) s.cancel('drain', 0);
    this.isolation.stopAll();
    await this.shared?.stop();
    await this.fleet?.stop();
    this.registry.close();
    for (const c of this.cleanups.splice(0).reverse()) c();
    await this.attribution?.stop();
    this.lag.stop();
    this.breakers.dispose();
    this.log.write(
      'info',
      null,
      LOGGER,
      `runtime stopped: ${this.manager.totalStarted} session(s) started, ${this.manager.totalFailures} failure(s)`,
    );
    this.metrics.write('snapshot', this.decoratedSnapshot(true, false));
    this.metrics.close();
    this.log.close();
  }

  // ---- internals --------------------------------------------------------------------------

  private sources(): SnapshotSources {
    return {
      clock: this.clock,
      startedAtMs: this.startedAtMs,
      manager: this.manager,
      admission: this.admission,
      breakers: this.breakers,
      registry: this.registry,
      attribution: this.attribution,
      loopLag: () => this.attribution?.loopLag() ?? this.lag.read(),
    };
  }

  /** The engine's snapshot with isolated tenants' sessions and children filled in (runtime/isolation). */
  private decoratedSnapshot(draining: boolean, withSessions = true): RuntimeSnapshot {
    const snap = buildSnapshot(this.sources(), draining, withSessions);
    const rows = this.sessions();
    const tenants: Record<string, TenantSnapshot> = {};
    for (const t of new Set([...Object.keys(snap.tenants), ...this.isolation.isolatedTenants()])) {
      tenants[t] = this.withReason(
        t,
        this.isolation.decorateTenant(t, snap.tenants[t] ?? tenantSnapshot(this.sources(), t, rows), rows),
      );
    }
    const livekit = this.liveKitView?.();
    const fleet = this.fleet?.status();
    return {
      ...snap,
      tenants,
      sessions: withSessions ? rows : [],
      ...(livekit ? { livekit } : {}),
      ...(fleet ? { fleet } : {}),
    };
  }

  private tenantView(tenant: string): TenantSnapshot {
    const rows = this.sessions();
    return this.withReason(
      tenant,
      this.isolation.decorateTenant(tenant, tenantSnapshot(this.sources(), tenant, rows), rows),
    );
  }

  private withReason(tenant: string, snap: TenantSnapshot): TenantSnapshot {
    const reason = this.autoIsolation.reasonOf(tenant) ?? this.stallRecovery.reasonOf(tenant);
    const withFleet = this.shared ? { ...snap, fleet: this.shared.tenantFleet(tenant, snap) } : snap;
    return reason && snap.isolation === 'process' ? { ...withFleet, isolation_reason: reason } : withFleet;
  }

  /** What tenant-presence.ts reads: this runtime's parts that hold tenant state (made once, on first use). */
  private tenantStateHolders(): TenantStateHolders {
    return (this.holders ??= {
      admission: this.admission,
      breakers: this.breakers,
      isolation: this.isolation,
      manager: this.manager,
      config: () => this.config,
      remembered: (t) => this.stallRecovery.remembers(t),
    });
  }

  private applyStallExit(): void {
    const ms = StallRecovery.thresholdMs(this.config.loop_stall_exit_s);
    this.attribution?.setStallExit(ms, (r) => this.stallRecovery.onStall(r));
  }

  private metricsTick(): void {
    // Session rows are left out of the periodic line: with thousands of sessions it would dominate the file.
    this.metrics.write('snapshot', this.decoratedSnapshot(this.admission.isDraining(), false));
    this.memory.check(
      process.memoryUsage.rss() / (1024 * 1024),
      this.config.memory_warn_mb,
      this.config.memory_limit_mb,
    );
  }

  private emit(event: RuntimeEvent): void {
    this.bus.emit(event);
  }

  /** `decidedBy`: the fleet runtime whose decision this is, for a fleet breaker. */
  private onBreaker(t: BreakerTransition, decidedBy?: string): void {
    this.notify(breakerNotice(t, this.breakers.settings(t.tenant).halfOpenProbes, isoTime(this.clock), decidedBy));
  }

  private onAgentLoad(r: AgentLoadReport): void {
    const live = [...this.manager.live.values()].filter((s) => s.agent.name === r.agentName).length;
    this.notify(agentLoadNotice(r, live, isoTime(this.clock)));
  }

  private notify(n: Notice): void {
    this.log.write(n.level, n.tenant === null ? null : { tenant: n.tenant }, LOGGER, n.line);
    if (n.event) this.emit(n.event);
  }

  private onLoopBlock(r: LoopBlockReport): void {
    this.autoIsolation.onBlock(r);
    this.emit({
      type: 'slow_session',
      ts: isoTime(this.clock),
      session_id: r.session_id,
      tenant: r.tenant,
      agent_name: r.agent_name,
      blocked_ms: r.blocked_ms,
      frames: r.frames,
    });
  }
}
