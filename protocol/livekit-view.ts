// One line per LiveKit registration, shared by `openrtc snapshot`, the `top` header and the
// extension's worker node, so all three read the same. Only the snapshot's fields (no secrets).
import type { LiveKitWorkerSnapshot } from './control';

export function liveKitLine(w: LiveKitWorkerSnapshot): string {
  const refused = Object.entries(w.refused)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  const load =
    w.last_load === null ? 'load -' : `load ${w.last_load.toFixed(2)}${w.last_status === 'full' ? ' FULL' : ''}`;
  return (
    `livekit ${w.url} · agent ${JSON.stringify(w.agent_name)} · ${w.state}${w.worker_id ? ` as ${w.worker_id}` : ''} · ${load}` +
    ` · jobs ${w.running_jobs} · offered ${w.offered} accepted ${w.accepted} refused ${refused || '0'}` +
    ` · reconnects ${w.reconnects}${w.last_error ? ` · last error: ${w.last_error}` : ''}`
  );
}
