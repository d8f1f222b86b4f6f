// The Runtime: the entry point embedders use. It starts the parts (engine/runtime-parts.ts wires
// config, agents, admission, the breaker, sessions, isolation, logs and metrics together), serves
// the ControlApi the control socket calls by handing each method to the part that owns it, and
// stops them again. Lifecycle: Runtime.start() → drain() → stop(). Signals are not handled here:
// whether SIGTERM drains or exits is the embedding program's (the CLI's) decision.
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
import type { FleetRuntimeStatus } from '../protocol/fleet-status';
import { Methods } from '../protocol/methods';
import { routeAgentsLogs } from './agents/livekit/agents-logger';
import { checkVoiceCall } from './agents/livekit/voice/voice-params';
import { runLoad } from './caller/load';
import { defaultConfig, loadConfigFile } from './config/load';
import type { OpenrtcConfig } from './config/types';
import { watchConfigFile } from './config/watch';
import { validateParams } from './control/params';
import { RuntimeParts } from './engine/runtime-parts';
import { scriptFromParams } from './engine/session-manager';
import { fleetSettingsAtStart } from './fleet/runtime-fleet';
import type { JobHost } from './livekit/worker/job-host';
import { routeLocalCall } from './livekit/worker/routing';
import { captureConsole } from './log-writer/console-capture';
import { describeError, errorSummary, RUNTIME_LOGGER, RuntimeLog } from './log-writer/log';
import { queryLogFile } from './log-reader/reader';
import type { LoopBlockReport } from './loop-health/attribution-seam';
import { isoTime, systemClock } from './policy/clock';
import type { RuntimeStartOptions } from './runtime-options';
import { installContainment } from './session/containment';
import { installScopeProbe } from './session/scope';

export type { RuntimeStartOptions } from './runtime-options';
export const RUNTIME_VERSION = '0.1.0';

export class Runtime implements ControlApi {
  private readonly cleanups: (() => void)[] = [];
  private stopped = false;

  private constructor(
    readonly workspaceDir: string,
    readonly configPath: string | null,
    private readonly parts: RuntimeParts,
    private readonly opts: RuntimeStartOptions,
  ) {}

  /** Loads and validates the config (a bad one throws ConfigError and starts nothing), then agents. */
  static async start(opts: RuntimeStartOptions): Promise<Runtime> {
    const workspaceDir = resolve(opts.workspaceDir);
    const defaultPath = join(workspaceDir, 'openrtc.json');
    const configPath = opts.configPath ? resolve(opts.configPath) : existsSync(defaultPath) ? defaultPath : null;
    const config = configPath ? await loadConfigFile(configPath) : defaultConfig();
    const fleetSettings = fleetSettingsAtStart(config, configPath, opts.env ?? process.env);
    const log = new RuntimeLog(resolve(workspaceDir, config.log_file));
    const clock = opts.clock ?? systemClock;
    const parts = new RuntimeParts({ workspaceDir, configPath, config, log, clock, opts, fleetSettings });
    const rt = new Runtime(workspaceDir, configPath, parts, opts);
    await rt.boot();
    return rt;
  }

  private async boot(): Promise<void> {
    const { log, manager, registry } = this.parts;
    installScopeProbe();
    this.cleanups.push(captureConsole(log));
    this.cleanups.push(routeAgentsLogs(log));
    this.cleanups.push(
      installContainment(
        (session, error, origin) => manager.sessionError(session, error, origin),
        (error, origin) =>
          this.parts.write(
            'error',
            null,
            `${origin} outside any session: ${errorSummary(error)}`,
            describeError(error),
          ),
      ),
    );
    this.parts.write(
      'info',
      null,
      `runtime ${RUNTIME_VERSION} starting in ${this.workspaceDir} (config: ${this.configPath ?? 'defaults'})`,
    );
    await registry.loadAll();
    await this.parts.isolation.applyConfig(this.parts.config);
    this.parts.shared?.start();
    await this.parts.stallRecovery.isolateRemembered();
    await this.parts.fleet?.start();
    await this.startAttribution();
    if (this.opts.watch !== false) {
      registry.watch();
      if (this.configPath) {
        const w = watchConfigFile(this.configPath, () => void this.reloadConfig());
        this.cleanups.push(() => w.close());
      }
    }
    const tick = setInterval(() => this.metricsTick(), this.parts.config.metrics_interval_s * 1000);
    tick.unref();
    this.cleanups.push(() => clearInterval(tick));
    this.parts.write(
      'info',
      null,
      `runtime ready: ${registry.names().length} agent(s): ${registry.names().join(', ') || '(none)'}`,
    );
  }

  private async startAttribution(): Promise<void> {
    if (!this.opts.attribution) return;
    const attribution = this.opts.attribution({
      thresholdMs: this.parts.config.slow_session_threshold_ms,
      log: (line, scope) => this.parts.log.write('warn', scope, RUNTIME_LOGGER, line),
      isLive: (sessionId) => this.parts.manager.live.has(sessionId),
    });
    await attribution.start();
    this.cleanups.push(attribution.onBlock((r) => this.onLoopBlock(r)));
    this.parts.attribution = attribution;
    this.parts.applyStallExit();
  }

  get logFile(): string {
    return this.parts.log.file;
  }

  get metricsFile(): string {
    return this.parts.metrics.path;
  }

  /** The bundled code of an agent version by the script name in its stack frames (source maps). */
  agentBundle(scriptName: string): string | undefined {
    return this.parts.registry.bundleFor(scriptName);
  }

  /** Waits until pending agent hot reloads have been applied. */
  agentsSettled(): Promise<void> {
    return this.parts.registry.settled();
  }

  /** LiveKit worker mode (runtime/livekit/worker): admission that reserves, sessions in reserved slots. */
  jobHost(): JobHost {
    const { admission, manager, registry } = this.parts;
    return {
      agentNames: () => registry.names(),
      reserve: (agent, metadata) => manager.reserve(agent, metadata),
      release: (slot) => manager.release(slot),
      agent: (name) => registry.get(name),
      startReserved: (slot, metadata, drive, onEnd) => manager.startReserved(slot, metadata, drive, onEnd),
      activeTotal: () => admission.activeTotal(),
      workerCap: () => admission.maxConcurrentSessions,
      isDraining: () => admission.isDraining(),
      log: (level, tenant, message) => this.parts.write(level, tenant, message),
    };
  }

  /** The `livekit` block of the running config (names of environment variables, never values). */
  liveKitConfig(): OpenrtcConfig['livekit'] {
    return this.parts.config.livekit ?? {};
  }

  /** This runtime's part in the fleet (issue 15); null without a `fleet` block. */
  fleetStatus(): FleetRuntimeStatus | null {
    return this.parts.fleet?.status() ?? null;
  }

  /** Where the snapshot's `livekit` block comes from while worker mode runs. */
  setLiveKitView(view: (() => LiveKitWorkerSnapshot[]) | null): void {
    this.parts.view.setLiveKitView(view);
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
      log_file: this.parts.log.file,
      metrics_file: this.parts.metrics.path,
      capabilities: Object.values(Methods),
    };
  }

  snapshot(): RuntimeSnapshot {
    return this.parts.view.snapshot(this.parts.admission.isDraining());
  }

  sessions(): SessionRow[] {
    return this.parts.view.sessions();
  }

  async startCalls(params: StartCallsParams): Promise<StartCallsResult> {
    validateParams(Methods.startCalls, params);
    const { registry, manager } = this.parts;
    const metadata = { ...params.metadata, ...(params.tenant !== undefined ? { tenant: params.tenant } : {}) };
    const route = params.agent === undefined ? routeLocalCall(metadata, registry.names()) : null;
    if (route && !route.ok) throw new ControlError(ErrorCodes.UnknownAgent, `startCalls: ${route.message}`);
    const agentName = route?.ok ? route.agent : (params.agent ?? '');
    const agent = registry.get(agentName);
    if (!agent) {
      throw new ControlError(
        ErrorCodes.UnknownAgent,
        `startCalls: no agent named ${JSON.stringify(agentName)} (registered: ${registry.names().join(', ') || 'none'})`,
      );
    }
    await checkVoiceCall(params, agent, (tenant) => this.parts.isolation.runsInProcess(tenant));
    const script = scriptFromParams(params, this.parts.callScript);
    const count = params.count ?? 1;
    const run = runLoad(
      { count, concurrency: params.concurrency ?? count, ...(params.rate !== undefined ? { rate: params.rate } : {}) },
      () => manager.place(agentName, metadata, script),
    );
    if (params.wait === false) {
      await run.dispatched;
      return structuredClone(run.result);
    }
    return run.done;
  }

  /** One call placed directly (tests, benchmarks, embedding); same path as startCalls. */
  placeCall(agent: string, metadata: Record<string, unknown>, say: string[] = []) {
    return this.parts.manager.place(agent, metadata, { ...this.parts.callScript, turns: say });
  }

  cancelSession(params: CancelSessionParams): void {
    this.parts.controls.cancelSession(params);
  }

  setTenantCap(params: SetTenantCapParams): TenantSnapshot {
    return this.parts.controls.setTenantCap(params);
  }

  setBreaker(params: SetBreakerParams): BreakerSnapshot {
    return this.parts.controls.setBreaker(params);
  }

  setSlowThreshold(params: SetSlowThresholdParams): void {
    this.parts.controls.setSlowThreshold(params);
  }

  async isolateTenant(params: TenantParams): Promise<TenantSnapshot> {
    return this.parts.controls.isolateTenant(params);
  }

  async restoreTenant(params: TenantParams): Promise<TenantSnapshot> {
    return this.parts.controls.restoreTenant(params);
  }

  async drain(params: DrainParams): Promise<void> {
    return this.parts.controls.drain(params);
  }

  reloadConfig(): Promise<ReloadConfigResult> {
    return this.parts.reloader.reload();
  }

  async logs(params: LogsParams): Promise<LogsResult> {
    validateParams(Methods.logs, params);
    this.parts.log.flushSync();
    return queryLogFile(this.parts.log.file, params);
  }

  onEvent(listener: (event: RuntimeEvent) => void): () => void {
    return this.parts.bus.on(listener);
  }

  /** Stops timers, watchers and attribution and flushes logs synchronously. Live sessions are
   *  cancelled (drain first for a graceful stop). Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const p = this.parts;
    p.admission.setDraining(true);
    for (const s of p.manager.live.values()) s.cancel('drain', 0);
    p.isolation.stopAll();
    await p.shared?.stop();
    await p.fleet?.stop();
    p.registry.close();
    for (const c of this.cleanups.splice(0).reverse()) c();
    await p.attribution?.stop();
    p.lag.stop();
    p.breakers.dispose();
    p.write(
      'info',
      null,
      `runtime stopped: ${p.manager.totalStarted} session(s) started, ${p.manager.totalFailures} failure(s)`,
    );
    p.metrics.write('snapshot', p.view.snapshot(true, false));
    p.metrics.close();
    p.log.close();
  }

  // ---- internals --------------------------------------------------------------------------

  private metricsTick(): void {
    const { config, memory, metrics, view } = this.parts;
    // Session rows are left out of the periodic line: with thousands of sessions it would dominate the file.
    metrics.write('snapshot', view.snapshot(this.parts.admission.isDraining(), false));
    memory.check(process.memoryUsage.rss() / (1024 * 1024), config.memory_warn_mb, config.memory_limit_mb);
  }

  private onLoopBlock(r: LoopBlockReport): void {
    this.parts.autoIsolation.onBlock(r);
    this.parts.emit({
      type: 'slow_session',
      ts: isoTime(this.parts.clock),
      session_id: r.session_id,
      tenant: r.tenant,
      agent_name: r.agent_name,
      blocked_ms: r.blocked_ms,
      frames: r.frames,
    });
  }
}
