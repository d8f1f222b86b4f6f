// The operator-facing line and the event for engine happenings (breaker transitions, agent
// loads), in one place so the runbook wording and the event payloads stay together.
import type { RuntimeEvent } from '../../protocol/control';
import type { AgentLoadReport } from '../agents/registry';
import type { LogLevel } from '../log-writer/log';
import type { BreakerTransition } from '../policy/breaker';

export interface Notice {
  level: LogLevel;
  line: string;
  event: RuntimeEvent | null;
  /** The tenant the line concerns, so `logs --tenant` shows it; null for runtime-wide lines. */
  tenant: string | null;
}

/** `decidedBy`: a fleet breaker's deciding runtime; every runtime of the fleet writes the same line. */
export function breakerNotice(t: BreakerTransition, halfOpenProbes: number, ts: string, decidedBy?: string): Notice {
  const fleet = decidedBy === undefined ? '' : ` fleet-wide (decided by ${decidedBy || 'another runtime'})`;
  if (t.kind === 'opened') {
    return {
      level: 'warn',
      line: `[circuit-breaker] tenant '${t.tenant}' opened${fleet} after ${t.failures}/${t.samples} failures; rejecting its new sessions for ${Math.round(t.cooldownS)}s`,
      event: {
        type: 'breaker_opened',
        ts,
        tenant: t.tenant,
        failures: t.failures,
        samples: t.samples,
        cooldown_s: t.cooldownS,
      },
      tenant: t.tenant,
    };
  }
  if (t.kind === 'half_open') {
    return {
      level: 'info',
      line: `[circuit-breaker] tenant '${t.tenant}' half-open${fleet}; admitting up to ${halfOpenProbes} probe session(s)${decidedBy === undefined ? '' : ' across the fleet'}`,
      event: { type: 'breaker_half_open', ts, tenant: t.tenant },
      tenant: t.tenant,
    };
  }
  return {
    level: 'info',
    line: `[circuit-breaker] tenant '${t.tenant}' recovered${fleet}`,
    event: { type: 'breaker_closed', ts, tenant: t.tenant },
    tenant: t.tenant,
  };
}

/** `liveOnAgent`: sessions of that agent still running the previous code. */
export function agentLoadNotice(r: AgentLoadReport, liveOnAgent: number, ts: string): Notice {
  const line = r.ok
    ? r.reload
      ? `[reload] ${r.file} changed -> agent '${r.agentName}' updated for new sessions; ${liveOnAgent} live session(s) finish on the old code`
      : `[agents] loaded '${r.agentName}' from ${r.file}`
    : `${r.reload ? '[reload]' : '[agents]'} ${r.file} failed: ${r.error}`;
  // The initial load of a good file is not news; every reload and every failure is.
  const event: RuntimeEvent | null =
    r.reload || !r.ok
      ? { type: 'agent_reloaded', ts, agent_name: r.agentName, file: r.file, ok: r.ok, error: r.error }
      : null;
  return { level: r.ok ? 'info' : 'error', line, event, tenant: null };
}
