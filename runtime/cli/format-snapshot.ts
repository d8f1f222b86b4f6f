// Plain-text rendering of a RuntimeSnapshot for `openrtc snapshot`: a header line, one row
// per tenant (caps, failures, rejections, breaker), one row per live session.
import { liveKitLine } from '../../protocol/livekit-view';
import type { BreakerSnapshot, RuntimeSnapshot, TenantSnapshot } from '../../protocol/control';
import { BREAKER_STATE_WORDS, rejectionCounts } from '../../protocol/wording';

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

// The shared words (protocol/wording.ts) shaped for a table scripts grep: a state that needs an
// operator's eye is upper-cased (`OPEN`, `HALF-OPEN`) and reasons keep their wire names
// (`circuit_open 2`), so each cell stays one token where it can.
function breakerText(b: BreakerSnapshot): string {
  if (!b.enabled) return 'off';
  const counts = `${b.failures}/${b.samples}`;
  const word = BREAKER_STATE_WORDS[b.state];
  if (b.state === 'closed') return `${word} ${counts}`;
  const until = b.state === 'open' && b.retry_at ? ` until ${b.retry_at.slice(11, 19)}` : '';
  return `${word.toUpperCase()} ${counts}${until}`;
}

function rejectionsText(t: Pick<TenantSnapshot, 'rejections_by_reason'>): string {
  const parts = rejectionCounts(t.rejections_by_reason);
  return parts.length ? parts.map(([reason, n]) => `${reason} ${n}`).join(', ') : '-';
}

export function formatSnapshot(s: RuntimeSnapshot, notes: string[] = []): string {
  const lines = [
    `up ${Math.round(s.uptime_seconds)}s · sessions ${s.active_sessions}/${s.max_concurrent_sessions} · started ${s.total_sessions_started}` +
      ` · failures ${s.total_session_failures} · agents ${s.registered_agents}` +
      ` · loop lag p50 ${s.loop_lag.p50_ms.toFixed(1)}ms p99 ${s.loop_lag.p99_ms.toFixed(1)}ms max ${s.loop_lag.max_ms.toFixed(1)}ms` +
      ` · rss ${Math.round(s.rss_mb)} MB${s.draining ? ' · DRAINING' : ''}`,
  ];
  for (const w of s.livekit ?? []) lines.push(liveKitLine(w));
  if (s.last_error) lines.push(`last error: ${s.last_error}`);
  for (const note of notes) lines.push(`note: ${note}`);
  const tenants = Object.entries(s.tenants).sort(([a], [b]) => a.localeCompare(b));
  lines.push('');
  lines.push(
    ...table(
      ['TENANT', 'ACTIVE', 'CAP', 'STARTED', 'FAILED', 'REJECTED', 'BREAKER', 'SLOW', 'ISOLATION'],
      tenants.map(([name, t]) => [
        name,
        String(t.active),
        t.cap === null ? '-' : String(t.cap),
        String(t.started),
        String(t.failures),
        rejectionsText(t),
        breakerText(t.breaker),
        String(t.slow_sessions),
        t.isolation,
      ]),
    ),
  );
  if (tenants.length === 0) lines.push('(no tenants yet)');
  const folded = s.folded_tenants;
  if (folded.tenants > 0) {
    lines.push(
      `(${folded.tenants} idle tenants folded to bound memory: started ${folded.started}, failed ${folded.failures}, rejected ${rejectionsText(folded)})`,
    );
  }
  lines.push('');
  lines.push(
    ...table(
      ['SESSION', 'AGENT', 'TENANT', 'STATUS', 'DUR(s)', 'CPU%', 'MEM~MB', 'BLOCKED'],
      s.sessions.map((r) => [
        r.session_id,
        r.agent_name,
        r.tenant,
        r.status.toUpperCase(),
        r.duration_s.toFixed(1),
        r.cpu_pct.toFixed(1),
        r.mem_mb.toFixed(1),
        r.blocked_ms_last === null
          ? '-'
          : `${Math.round(r.blocked_ms_last)}ms${r.blocked_frames?.[0] ? ` at ${r.blocked_frames[0].file}:${r.blocked_frames[0].line}` : ''}`,
      ]),
    ),
  );
  if (s.sessions.length === 0) lines.push('(no live sessions)');
  return lines.join('\n');
}
