// Where `openrtc top` gets its snapshots: our runtime's control socket (one connection, a
// `snapshot` request per refresh) or a Python OpenRTC worker's top.sock (one connection per
// refresh; it writes a line and closes). Failures become TopError with the exit code to use.
import { ConnectError, connectControl, type ControlClient } from '../../protocol/connect';
import type { RuntimeSnapshot } from '../../protocol/control';
import type { TopSnapshot } from './top-view';

export class TopError extends Error {
  constructor(
    readonly exitCode: 1 | 2,
    message: string,
  ) {
    super(message);
    this.name = 'TopError';
  }
}

export interface TopSource {
  fetch(): Promise<TopSnapshot>;
  close(): void;
}

const TIMEOUT_MS = 2000;

function fromConnectError(err: unknown, socketPath: string): TopError {
  if (!(err instanceof ConnectError))
    return new TopError(2, `cannot reach ${socketPath}: ${err instanceof Error ? err.message : String(err)}`);
  switch (err.kind) {
    case 'no_socket':
    case 'refused':
      return new TopError(
        2,
        `${err.message}\nhint: start a runtime with \`openrtc run\` in the workspace, or pass --socket PATH`,
      );
    case 'not_socket':
    case 'garbled':
    case 'timeout':
    case 'protocol_version':
      return new TopError(2, err.message);
  }
}

function checkSnapshot(value: unknown, socketPath: string): RuntimeSnapshot {
  const s = value as Partial<RuntimeSnapshot> | null;
  if (
    !s ||
    typeof s !== 'object' ||
    !Array.isArray(s.sessions) ||
    typeof s.loop_lag !== 'object' ||
    typeof s.tenants !== 'object'
  ) {
    throw new TopError(2, `${socketPath} answered snapshot with something that is not a runtime snapshot`);
  }
  return s as RuntimeSnapshot;
}

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function runtimeSource(client: ControlClient, socketPath: string): TopSource {
  const label = `pid ${client.hello.pid} · ${client.hello.workspace}`;
  const gone = (): TopError => new TopError(1, `the runtime at ${socketPath} went away (connection closed)`);
  return {
    async fetch() {
      if (client.isClosed) throw gone();
      let value: unknown;
      try {
        value = await withTimeout(
          client.request('snapshot'),
          TIMEOUT_MS,
          () => new TopError(1, `the runtime at ${socketPath} stopped answering`),
        );
      } catch (err) {
        if (err instanceof TopError) throw err;
        throw client.isClosed
          ? gone()
          : new TopError(1, `snapshot failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      return {
        source: 'openrtc',
        label,
        snapshot: checkSnapshot(value, socketPath),
        unknown: [],
        workspace: client.hello.workspace,
      };
    },
    close: () => client.close(),
  };
}

function pythonSnapshot(
  top: Extract<Awaited<ReturnType<typeof connectControl>>, { kind: 'python-top' }>['top'],
): TopSnapshot {
  return {
    source: 'python',
    label: `python openrtc · ${top.worker.name}`,
    snapshot: top.snapshot,
    unknown: top.unknown.map((u) => u.split(' ')[0] ?? u),
  };
}

export async function openTopSource(socketPath: string): Promise<TopSource> {
  let first;
  try {
    first = await connectControl(socketPath, { timeoutMs: TIMEOUT_MS, clientName: 'openrtc-top' });
  } catch (err) {
    throw fromConnectError(err, socketPath);
  }
  if (first.kind === 'openrtc') return runtimeSource(first.client, socketPath);
  let pending: TopSnapshot | null = pythonSnapshot(first.top);
  return {
    async fetch() {
      if (pending) {
        const snap = pending;
        pending = null;
        return snap;
      }
      let conn;
      try {
        conn = await connectControl(socketPath, { timeoutMs: TIMEOUT_MS, clientName: 'openrtc-top' });
      } catch (err) {
        // The worker answered before, so a missing socket now means it went away mid-run.
        const gone = err instanceof ConnectError && (err.kind === 'no_socket' || err.kind === 'refused');
        throw gone
          ? new TopError(1, `the worker at ${socketPath} went away (${err.message})`)
          : fromConnectError(err, socketPath);
      }
      if (conn.kind !== 'python-top') {
        conn.client.close();
        throw new TopError(2, `${socketPath} changed protocol between refreshes`);
      }
      return pythonSnapshot(conn.top);
    },
    close: () => {},
  };
}
