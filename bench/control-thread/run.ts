// The control thread's cost: throughput of bench/attribution's "frames" workload (50 sessions)
// with the loop monitor on, against the same with the control thread also running (listening,
// publishing a 50-session snapshot every second, one client connected and asking for a snapshot
// every second, as the extension's views do). Rounds alternate, the order swapped every pair, in
// one process; ops are per process CPU-second, so the thread's own CPU counts against it.
//   node --import tsx bench/control-thread/run.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ControlApi, RuntimeSnapshot, SessionRow } from '../../protocol/control';
import { Methods } from '../../protocol/methods';
import { connectControl } from '../../protocol/connect';
import { LoopAttribution } from '../../runtime/attribution/loop-attribution';
import { startControlThread } from '../../runtime/control/thread/control-host';
import { RecordingApi, emptySnapshot } from '../../test/runtime/control-fake-api';
import { bundled, framesOps } from '../attribution/overhead';

const PAIRS = 12;
const ROUND_MS = 1500;
const SETTLE_MS = 500;

const row = (i: number): SessionRow => ({
  session_id: `SES_${String(i).padStart(14, '0')}`,
  agent_name: 'bench',
  tenant: `tenant-${i % 5}`,
  status: 'active',
  duration_s: 1,
  cpu_pct: 1,
  mem_mb: 1,
  blocked_ms_last: null,
  blocked_frames: null,
  started_at: new Date(0).toISOString(),
  isolation: 'coroutine',
});
const snapshot: RuntimeSnapshot = {
  ...emptySnapshot,
  active_sessions: 50,
  sessions: Array.from({ length: 50 }, (_, i) => row(i)),
};

class BenchApi extends RecordingApi {
  override snapshot(): RuntimeSnapshot {
    return snapshot;
  }
}

const quantile = (xs: readonly number[], q: number): number =>
  [...xs].sort((a, b) => a - b)[Math.round((xs.length - 1) * q)] ?? NaN;
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, SETTLE_MS));

async function main(): Promise<void> {
  const watchdog = await bundled('runtime/attribution/watchdog-worker.ts', 'watchdog');
  const thread = await bundled('runtime/control/thread/control-thread.ts', 'control-thread');
  const dir = mkdtempSync(join(tmpdir(), 'openrtc-ctl-bench-'));
  const api: ControlApi = new BenchApi();
  const monitor = new LoopAttribution({ thresholdMs: 50, worker: watchdog });
  await monitor.start();
  const round = async (withThread: boolean): Promise<number> => {
    if (!withThread) {
      await settle();
      return framesOps(ROUND_MS);
    }
    const socketPath = join(dir, 'c.sock');
    const server = await startControlThread({ api, socketPath, privateDir: false, worker: thread });
    const connection = await connectControl(socketPath);
    if (connection.kind !== 'openrtc') throw new Error('not our runtime');
    const poll = setInterval(() => void connection.client.request(Methods.snapshot).catch(() => {}), 1000);
    await settle();
    try {
      return await framesOps(ROUND_MS);
    } finally {
      clearInterval(poll);
      connection.client.close();
      await server.close();
    }
  };
  await framesOps(1000);
  await round(true);
  const ratios: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const first = i % 2 === 0;
    const a = await round(!first);
    const b = await round(first);
    const [off, on] = first ? [a, b] : [b, a];
    ratios.push(on / off);
  }
  await monitor.stop();
  rmSync(dir, { recursive: true, force: true });
  const median = quantile(ratios, 0.5);
  console.log(
    `control thread on/off (frames workload, monitor on in both, ${PAIRS} pairs of ${ROUND_MS} ms): median ${median.toFixed(3)}, quartiles ${quantile(ratios, 0.25).toFixed(3)}-${quantile(ratios, 0.75).toFixed(3)} → overhead ${((1 - median) * 100).toFixed(1)} %`,
  );
}

void main();
