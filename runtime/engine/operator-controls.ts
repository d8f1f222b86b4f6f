// The operator's controls over a running runtime (control methods cancelSession, setTenantCap,
// setBreaker, setSlowThreshold, isolateTenant, restoreTenant, drain): each validates its params,
// changes one part, logs what changed and returns the tenant's view where the method has one.
import {
  ControlError,
  ErrorCodes,
  type BreakerSnapshot,
  type CancelSessionParams,
  type DrainParams,
  type RuntimeEvent,
  type SetBreakerParams,
  type SetSlowThresholdParams,
  type SetTenantCapParams,
  type TenantParams,
  type TenantSnapshot,
} from '../../protocol/control';
import { Methods } from '../../protocol/methods';
import { validateParams } from '../control/params';
import type { FleetShared } from '../fleet/fleet-shared';
import type { IsolationManager } from '../isolation/isolation-manager';
import { RUNTIME_LOGGER, type RuntimeLog } from '../log-writer/log';
import type { Admission } from '../policy/admission';
import type { BreakerGate } from '../policy/breaker';
import { isoTime, type Clock } from '../policy/clock';
import type { AutoIsolation } from './auto-isolation';
import type { SessionManager } from './session-manager';
import type { SlowThreshold } from './slow-threshold';
import type { SnapshotView } from './snapshot-view';
import type { StallRecovery } from './stall-recovery';

/** How long an aborted session may take to return before it is ended for it. */
const ABORT_GRACE_MS = 2_000;
const DEFAULT_DRAIN_TIMEOUT_S = 30;

export interface OperatorControlParts {
  clock: Clock;
  log: RuntimeLog;
  emit(event: RuntimeEvent): void;
  admission: Admission;
  breakers: BreakerGate;
  manager: SessionManager;
  isolation: IsolationManager;
  autoIsolation: AutoIsolation;
  stallRecovery: StallRecovery;
  threshold: SlowThreshold;
  /** Fleet-shared caps and breaker settings; null without a `fleet` block. */
  shared: FleetShared | null;
  view: SnapshotView;
}

export class OperatorControls {
  constructor(private readonly parts: OperatorControlParts) {}

  cancelSession(params: CancelSessionParams): void {
    validateParams(Methods.cancelSession, params);
    if (!this.parts.manager.cancel(params.session_id, ABORT_GRACE_MS)) {
      throw new ControlError(
        ErrorCodes.UnknownSession,
        `cancelSession: no live session ${JSON.stringify(params.session_id)}`,
      );
    }
    this.parts.log.write('info', null, RUNTIME_LOGGER, `session ${params.session_id} cancelled by operator`);
  }

  setTenantCap(params: SetTenantCapParams): TenantSnapshot {
    validateParams(Methods.setTenantCap, params);
    this.applyCap(params.tenant, params.cap, this.parts.shared ? 'here and for the fleet' : null);
    this.parts.shared?.tenantChanged(params.tenant, { cap: params.cap });
    return this.parts.view.tenant(params.tenant);
  }

  /** `scope`: where the cap came from, for the log line; a cap from the fleet that changes nothing is not logged. */
  applyCap(tenant: string, cap: number | null, scope: string | null): void {
    const { admission } = this.parts;
    const before = admission.tenantCap(tenant);
    admission.setTenantCap(tenant, cap);
    const after = admission.tenantCap(tenant);
    if (scope !== null && before === after) return;
    this.parts.log.write(
      'info',
      { tenant },
      RUNTIME_LOGGER,
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
    const s = this.parts.breakers.setTenantSettings(params.tenant, patch);
    this.parts.shared?.tenantChanged(params.tenant, { breaker: patch });
    this.parts.log.write(
      'info',
      { tenant: params.tenant },
      RUNTIME_LOGGER,
      `[circuit-breaker] tenant '${params.tenant}' settings: enabled=${s.enabled} cooldown_s=${s.cooldownS} failure_ratio=${s.failureRatio} min_samples=${s.minSamples} window_s=${s.windowS} max_cooldown_s=${s.maxCooldownS} half_open_probes=${s.halfOpenProbes}`,
    );
    return this.parts.breakers.snapshot(params.tenant);
  }

  setSlowThreshold(params: SetSlowThresholdParams): void {
    validateParams(Methods.setSlowThreshold, params);
    this.parts.threshold.setByOperator(params.threshold_ms);
    this.parts.log.write('info', null, RUNTIME_LOGGER, `slow_session_threshold_ms set to ${params.threshold_ms}`);
  }

  /** New sessions of the tenant go to a child process of its own; live ones finish on the shared loop. */
  async isolateTenant(params: TenantParams): Promise<TenantSnapshot> {
    validateParams(Methods.isolateTenant, params);
    await this.parts.isolation.isolate(params.tenant);
    return this.parts.view.tenant(params.tenant);
  }

  /** New sessions go back to the shared loop; the child stops once its live sessions end. */
  restoreTenant(params: TenantParams): TenantSnapshot {
    validateParams(Methods.restoreTenant, params);
    this.parts.isolation.restore(params.tenant);
    this.parts.autoIsolation.restored(params.tenant);
    this.parts.stallRecovery.restored(params.tenant);
    return this.parts.view.tenant(params.tenant);
  }

  /** Refuses new sessions, lets live ones run to hang-up for `timeout_s`, then cancels the rest. */
  async drain(params: DrainParams): Promise<void> {
    validateParams(Methods.drain, params);
    const { admission, log } = this.parts;
    if (!admission.isDraining()) {
      admission.setDraining(true);
      log.write(
        'info',
        null,
        RUNTIME_LOGGER,
        `Pool draining: rejecting new sessions; ${admission.activeTotal()} in-flight call(s) run to hang-up.`,
      );
      this.parts.emit({ type: 'draining', ts: isoTime(this.parts.clock) });
    }
    await this.parts.manager.drainAll((params.timeout_s ?? DEFAULT_DRAIN_TIMEOUT_S) * 1000, ABORT_GRACE_MS);
  }
}
