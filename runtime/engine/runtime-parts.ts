// The runtime's parts and how they are wired to each other: admission and breakers (local or
// fleet-shared), the agent registry, sessions, isolation and its automatic triggers, the snapshot
// view, the operator's controls and config reload, and the notices (log line plus event) the
// parts raise. Built once per Runtime; the Runtime (runtime.ts) owns the lifecycle around them.
import { resolve } from 'node:path';
import type { RuntimeEvent } from '../../protocol/control';
import { AgentRegistry, type AgentLoadReport } from '../agents/registry';
import { DEFAULT_CALL_SCRIPT, type CallScript } from '../caller/local-caller';
import { breakerDefaultsFromConfig, capsFromConfig } from '../config/apply';
import type { OpenrtcConfig } from '../config/types';
import { EventBus } from '../events/event-bus';
import { MetricsFile } from '../events/metrics-file';
import type { FleetAdmission } from '../fleet/fleet-admission';
import { createFleetShared, type FleetShared } from '../fleet/fleet-shared';
import { createRuntimeFleet, openFleetLink } from '../fleet/runtime-fleet';
import type { FleetSettings } from '../fleet/settings';
import { IsolationManager } from '../isolation/isolation-manager';
import { RUNTIME_LOGGER, type LogLevel, type RuntimeLog } from '../log-writer/log';
import type { SessionAttribution } from '../loop-health/attribution-seam';
import { LoopLagMonitor } from '../loop-health/loop-lag';
import { MemoryWatermark } from '../loop-health/memory-watermark';
import { Admission } from '../policy/admission';
import { TenantBreakers, type BreakerGate, type BreakerTransition } from '../policy/breaker';
import { isoTime, type Clock } from '../policy/clock';
import type { RuntimeStartOptions } from '../runtime-options';
import { sessionOfScope } from '../session/session';
import { AutoIsolation } from './auto-isolation';
import { ConfigReloader } from './config-reload';
import { IsolationMemory, ISOLATION_MEMORY_FILE } from './isolation-memory';
import { agentLoadNotice, breakerNotice, type Notice } from './notices';
import { OperatorControls } from './operator-controls';
import { SessionManager } from './session-manager';
import { SlowThreshold } from './slow-threshold';
import { SnapshotView } from './snapshot-view';
import { StallRecovery } from './stall-recovery';
import { knownTenant, tenantInUse, type TenantStateHolders } from './tenant-presence';
import { DEFAULT_RETAINED_TENANTS } from './tenant-retention';

export interface RuntimePartsInit {
  workspaceDir: string;
  configPath: string | null;
  config: OpenrtcConfig;
  log: RuntimeLog;
  clock: Clock;
  opts: RuntimeStartOptions;
  /** The `fleet` block as read at start (it does not reload); null: this runtime is on its own. */
  fleetSettings: FleetSettings | null;
}

export class RuntimeParts {
  readonly bus = new EventBus();
  readonly lag = new LoopLagMonitor();
  readonly log: RuntimeLog;
  readonly clock: Clock;
  readonly startedAtMs: number;
  readonly callScript: CallScript;
  readonly breakers: BreakerGate;
  readonly admission: Admission;
  readonly registry: AgentRegistry;
  readonly manager: SessionManager;
  readonly metrics: MetricsFile;
  readonly memory: MemoryWatermark;
  readonly isolation: IsolationManager;
  readonly autoIsolation: AutoIsolation;
  readonly stallRecovery: StallRecovery;
  readonly threshold: SlowThreshold;
  readonly view: SnapshotView;
  readonly controls: OperatorControls;
  readonly reloader: ConfigReloader;
  /** Fleet mode (runtime/fleet); null without a `fleet` block. */
  readonly fleet: FleetAdmission | null;
  /** Fleet breakers and tenant settings (runtime/fleet/fleet-shared.ts); null without a `fleet` block. */
  readonly shared: FleetShared | null;
  /** The running config; a reload replaces it (engine/config-reload.ts). */
  config: OpenrtcConfig;
  /** Shared-loop attribution, set once it has started; null before, and without one. */
  attribution: SessionAttribution | null = null;
  private holders: TenantStateHolders | undefined;

  constructor(init: RuntimePartsInit) {
    const { workspaceDir, config, log, clock, opts, fleetSettings } = init;
    this.log = log;
    this.clock = clock;
    this.config = config;
    this.startedAtMs = clock.now();
    this.callScript = { ...DEFAULT_CALL_SCRIPT, ...opts.callScript };
    const fleetLink = openFleetLink(fleetSettings);
    const localBreakers = new TenantBreakers(breakerDefaultsFromConfig(config), clock, (t) => this.onBreaker(t));
    this.shared = createFleetShared(fleetSettings, fleetLink, {
      local: localBreakers,
      clock,
      applyCap: (tenant, cap) => this.controls.applyCap(tenant, cap, 'fleet-wide (shared through Redis)'),
      onTransition: (t, decidedBy) => this.onBreaker(t, decidedBy),
      log: (level, tenant, line) => this.write(level, tenant, line),
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
      log: (level, tenant, line) => this.write(level, tenant, line),
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
      slowThresholdMs: () => this.threshold.current(this.config.slow_session_threshold_ms),
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
      log: (level, tenant, line) => this.write(level, tenant, line),
    });
    this.stallRecovery = new StallRecovery({
      workspaceDir,
      memory: new IsolationMemory(resolve(workspaceDir, ISOLATION_MEMORY_FILE)),
      log: (level, scope, line) => log.write(level, scope, RUNTIME_LOGGER, line),
      flush: () => log.flushSync(),
      exit: (code) => process.exit(code),
      isolate: (t) => this.isolation.isolate(t),
      nowIso: () => isoTime(clock),
    });
    this.threshold = new SlowThreshold({ attribution: () => this.attribution, isolation: this.isolation });
    // What the view, the controls and config reload share; each takes the parts it names.
    const common = {
      clock,
      log,
      emit: (e: RuntimeEvent) => this.emit(e),
      admission: this.admission,
      breakers: this.breakers,
      registry: this.registry,
      manager: this.manager,
      isolation: this.isolation,
      autoIsolation: this.autoIsolation,
      stallRecovery: this.stallRecovery,
      threshold: this.threshold,
      shared: this.shared,
      fleet: this.fleet,
    };
    this.view = new SnapshotView({
      ...common,
      startedAtMs: this.startedAtMs,
      lag: this.lag,
      attribution: () => this.attribution,
    });
    this.controls = new OperatorControls({ ...common, view: this.view });
    this.reloader = new ConfigReloader({
      ...common,
      workspaceDir,
      configPath: init.configPath,
      current: () => this.config,
      adopt: (next) => (this.config = next),
      applyStallExit: () => this.applyStallExit(),
    });
    this.metrics = new MetricsFile(resolve(workspaceDir, config.metrics_jsonl));
    this.bus.on((e) => this.metrics.write('event', e));
    this.memory = new MemoryWatermark(
      (level, message) => log.write(level, null, RUNTIME_LOGGER, message),
      () => void this.controls.drain({}).then(() => opts.onMemoryLimitDrained?.()),
    );
  }

  emit(event: RuntimeEvent): void {
    this.bus.emit(event);
  }

  /** A line of the runtime's own log, about one tenant or (null) the whole runtime. */
  write(level: LogLevel, tenant: string | null, line: string, excInfo?: string): void {
    this.log.write(level, tenant === null ? null : { tenant }, RUNTIME_LOGGER, line, excInfo);
  }

  /** Applies `loop_stall_exit_s` of the running config to attribution (at start and after each reload). */
  applyStallExit(): void {
    const ms = StallRecovery.thresholdMs(this.config.loop_stall_exit_s);
    this.attribution?.setStallExit(ms, (r) => this.stallRecovery.onStall(r));
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
    this.write(n.level, n.tenant, n.line);
    if (n.event) this.emit(n.event);
  }

  /** What tenant-presence.ts reads: the parts that hold tenant state (made once, on first use). */
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
}
