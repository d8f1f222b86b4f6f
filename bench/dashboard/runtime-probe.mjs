// Loaded into the runtime's own process by bench/dashboard/run.ts (`node --import`), so the A/B
// measures the runtime's main loop over exactly each phase. The snapshot's loop_lag covers the
// last 10-20 s, which straddles phases of a few seconds: A and B would read each other's lag.
// As bench/density/lag-probe.ts: a 5 ms timer records how late each one ran (monitorEventLoopDelay
// would count the timer intervals themselves). Also the loop's utilisation, to tell a loop with
// room from a saturated one. The bench asks for what came since its last ask over the IPC channel.
import { performance } from 'node:perf_hooks';

const INTERVAL_MS = 5;
let late = [];
let elu = performance.eventLoopUtilization();

function arm() {
  const due = performance.now() + INTERVAL_MS;
  setTimeout(() => {
    late.push(Math.max(0, performance.now() - due));
    arm();
  }, INTERVAL_MS).unref();
}
arm();

process.on('message', (m) => {
  if (m?.type !== 'lag-probe:read') return;
  const now = performance.eventLoopUtilization();
  process.send?.({ type: 'lag-probe:samples', late, elu: performance.eventLoopUtilization(now, elu).utilization });
  late = [];
  elu = now;
});
// The bench's channel must not keep a draining runtime alive.
process.channel?.unref();
