// Servers `openrtc top` is pointed at in tests: our control server (real socket, real
// JSON-RPC) serving a chosen snapshot, and raw Unix-socket servers that act like a Python
// OpenRTC top.sock, a garbled or silent peer, or something that is not ours at all.
import { mkdtempSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RuntimeSnapshot, SessionRow, StackFrame } from '../../protocol/control';
import { startControlServer, type ControlServer } from '../../runtime/control/server';
import { runTop } from '../../runtime/cli/top';
import { emptySnapshot, emptyTenant, RecordingApi } from './control-fake-api';

export class SnapshotApi extends RecordingApi {
  constructor(public current: RuntimeSnapshot) {
    super();
  }
  override snapshot(): RuntimeSnapshot {
    return this.current;
  }
}

export function socketPath(name: string): string {
  return join(mkdtempSync(join(tmpdir(), 'openrtc-top-')), name);
}

export async function runtimeServer(
  snapshot: RuntimeSnapshot,
): Promise<{ path: string; server: ControlServer; api: SnapshotApi }> {
  const api = new SnapshotApi(snapshot);
  const path = socketPath('rt.sock');
  const server = await startControlServer({ api, socketPath: path, privateDir: false });
  return { path, server, api };
}

/** A raw server: `onConnection` decides what the peer does. */
export async function rawServer(
  name: string,
  onConnection: (s: Socket) => void,
): Promise<{ path: string; server: Server }> {
  const path = socketPath(name);
  const server = createServer((s) => {
    s.on('error', () => {});
    onConnection(s);
  });
  await new Promise<void>((r) => server.listen(path, r));
  return { path, server };
}

export function row(id: string, tenant: string, agent: string, extra: Partial<SessionRow> = {}): SessionRow {
  return {
    session_id: id,
    agent_name: agent,
    tenant,
    status: 'active',
    duration_s: 10,
    cpu_pct: 1,
    mem_mb: 20,
    blocked_ms_last: null,
    blocked_frames: null,
    started_at: '2026-01-01T00:00:00.000Z',
    isolation: 'coroutine',
    ...extra,
  };
}

const frame: StackFrame = { function: 'lookupPatient', file: '/ws/agents/dental.ts', line: 42, column: 5 };

export const poolSnapshot: RuntimeSnapshot = {
  ...emptySnapshot,
  uptime_seconds: 3725,
  active_sessions: 4,
  max_concurrent_sessions: 50,
  loop_lag: { p50_ms: 0.4, p99_ms: 3.2, max_ms: 612 },
  tenants: {
    acme: { ...emptyTenant, active: 2, breaker: { ...emptyTenant.breaker, enabled: true, state: 'open' } },
    bistro: { ...emptyTenant, active: 1, isolation: 'process' },
    clinic: { ...emptyTenant, active: 1 },
  },
  sessions: [
    row('sess-acme-0001', 'acme', 'dental', {
      cpu_pct: 61.5,
      duration_s: 30,
      mem_mb: 40,
      status: 'slow',
      blocked_ms_last: 600,
      blocked_frames: [frame],
    }),
    row('sess-acme-0002', 'acme', 'booking', { cpu_pct: 2.5, duration_s: 300, mem_mb: 40 }),
    row('sess-bistro-01', 'bistro', 'booking', { cpu_pct: 20.1, duration_s: 5, mem_mb: 120, isolation: 'process' }),
    row('sess-clinic-01', 'clinic', 'dental', { cpu_pct: 0, duration_s: 60, mem_mb: 40, status: 'failed' }),
  ],
};

/** Runs `openrtc top` in this process with captured output (real sockets, no TTY). */
export async function topOnce(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runTop(argv, {
    out: (t) => (out += t),
    outBytes: (b) => (out += Buffer.from(b).toString('utf8')),
    err: (t) => (err += t),
    env: {},
    cwd: tmpdir(),
    terminal: null,
  });
  return { code, out, err };
}
