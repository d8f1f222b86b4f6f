// The soak's workspace: one agent whose behaviour is chosen per call by `metadata.mode`, and the
// openrtc.json for six tenants. Written to a temporary folder; the runtime loads it like any other.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Tenant → the misbehaviour its calls carry. */
export const SOAK_TENANTS = {
  healthy: 'healthy',
  flaky: 'flaky',
  blocker: 'blocker',
  leaker: 'leaker',
  isolated: 'isolated',
  burst: 'burst',
} as const;
export type SoakTenant = keyof typeof SOAK_TENANTS;

// Every mode ends on its own (no caller turns needed); the local caller hangs up at once, so the
// agent ignores the abort on hang-up and only stops early on cancel/drain.
const SOAK_AGENT = `
import { defineAgent } from 'openrtc';
const hold = (ctx, ms) => new Promise((resolve) => {
  const t = setTimeout(resolve, ms);
  ctx.signal.addEventListener('abort', () => { if (ctx.signal.reason !== 'hang-up') { clearTimeout(t); resolve(undefined); } });
});
const spin = (ms) => { const end = Date.now() + ms; while (Date.now() < end) {} };
export default defineAgent({
  name: 'soak',
  async entry(ctx) {
    const mode = ctx.metadata.mode;
    const r = Math.random();
    if (mode === 'flaky') {
      await hold(ctx, 5 + r * 20);
      if (Math.random() < 0.6) throw new Error('provider unavailable');
      return;
    }
    if (mode === 'blocker') {
      if (r < 0.3) spin(20 + Math.random() * 80);
      await hold(ctx, 10 + Math.random() * 30);
      return;
    }
    if (mode === 'leaker') {
      // Timers that outlive the session, one of them rejecting, one throwing, one holding memory.
      const ballast = Buffer.alloc(16 * 1024, 1);
      setTimeout(() => { void ballast.length; }, 3000);
      setTimeout(() => { Promise.reject(new Error('late rejection from a leaked timer')); }, 200 + r * 300);
      if (r < 0.5) setTimeout(() => { throw new Error('late throw from a leaked timer'); }, 100 + r * 200);
      await hold(ctx, 10 + r * 30);
      if (r < 0.15) Promise.reject(new Error('unhandled rejection inside the session'));
      await hold(ctx, 5);
      return;
    }
    if (mode === 'burst') { await hold(ctx, 50 + r * 100); return; }
    await hold(ctx, 10 + r * 50); // healthy and isolated
  },
});
`;

export interface SoakCaps {
  burst: number;
  isolated: number;
  flakyCooldownS: number;
}

export function soakConfig(caps: SoakCaps): object {
  return {
    agents: 'agents/',
    max_concurrent_sessions: 400,
    max_sessions_per_tenant: { '*': 40, burst: caps.burst, isolated: caps.isolated },
    enable_tenant_circuit_breaker: true,
    tenant_circuit_min_samples: 5,
    tenant_circuit_failure_ratio: 0.5,
    tenant_circuit_cooldown_s: caps.flakyCooldownS,
    tenant_circuit_window_s: 10,
    tenant_isolation: { isolated: 'process' },
    slow_session_threshold_ms: 50,
    tenant_config: { healthy: { greeting: 'hello', llm: { api_key_env: 'SOAK_HEALTHY_KEY' } } },
  };
}

export interface SoakWorkspace {
  dir: string;
  writeConfig(caps: SoakCaps): void;
  cleanup(): void;
}

export function makeSoakWorkspace(caps: SoakCaps): SoakWorkspace {
  const dir = mkdtempSync(join(tmpdir(), 'openrtc-soak-'));
  mkdirSync(join(dir, 'agents'));
  writeFileSync(join(dir, 'agents', 'soak.ts'), SOAK_AGENT);
  const writeConfig = (c: SoakCaps): void =>
    writeFileSync(join(dir, 'openrtc.json'), JSON.stringify(soakConfig(c), null, 2));
  writeConfig(caps);
  return { dir, writeConfig, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
