// A dashboard incident for the client tests: per second, a snapshot and session starts for each
// tenant; flaky-clinic's breaker open from 29.6 s to 49.6 s with circuit_open rejections between,
// slow-salon's loop blocks at a legacy calendar lookup every 20 s.
import { SeriesModel } from '../../client/model/series';
import type { RuntimeEvent, RuntimeSnapshot } from '../../protocol/control';
import { snapshot, tenant } from './fixtures';

export const T0 = Date.parse('2026-11-29T12:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();

export function incidentModel(tenants = 3, seconds = 120): SeriesModel {
  const m = new SeriesModel();
  const names = [
    'flaky-clinic',
    'slow-salon',
    'bright-dental',
    ...Array.from({ length: 30 }, (_, i) => `t-${i}`),
  ].slice(0, tenants);
  for (let s = 0; s < seconds; s++) {
    const at = T0 + s * 1000;
    const open = s >= 30 && s < 50;
    const ts: RuntimeSnapshot['tenants'] = {};
    for (const [i, name] of names.entries())
      ts[name] = tenant({
        active: (s + i) % 6,
        cap: 10,
        started: s,
        failures: name === 'flaky-clinic' ? 4 : 0,
        breaker: { ...tenant().breaker, state: name === 'flaky-clinic' && open ? 'open' : 'closed' },
      });
    m.addSnapshot({ ...snapshot(ts), timestamp: at / 1000, loop_lag: { p50_ms: 1, p99_ms: 3 + (s % 5), max_ms: 8 } });
    for (const name of names)
      m.addEvent({
        type: 'session_started',
        ts: iso(at + 5),
        session_id: `${name}-${s}`,
        tenant: name,
        agent_name: 'a',
      });
    const events: RuntimeEvent[] = [];
    if (s === 29)
      events.push({
        type: 'breaker_opened',
        ts: iso(at + 600),
        tenant: 'flaky-clinic',
        failures: 4,
        samples: 4,
        cooldown_s: 20,
      });
    if (s === 49) events.push({ type: 'breaker_closed', ts: iso(at + 600), tenant: 'flaky-clinic' });
    if (s >= 35 && s < 45)
      events.push({
        type: 'rejected',
        ts: iso(at + 100),
        tenant: 'flaky-clinic',
        agent_name: 'a',
        reason: 'circuit_open',
        detail: '',
      });
    if (s % 20 === 10)
      events.push({
        type: 'slow_session',
        ts: iso(at + 300),
        session_id: `slow-salon-${s}`,
        tenant: 'slow-salon',
        agent_name: 'booking',
        blocked_ms: 120 + s,
        frames: [{ function: 'lookupLegacyCalendar', file: '/ws/agents/legacy-calendar.ts?v=2', line: 17, column: 5 }],
      });
    for (const e of events) m.addEvent(e);
  }
  return m;
}
