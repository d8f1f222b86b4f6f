// Starts the full runtime on a bench workspace the way `openrtc run` does (loop attribution on,
// unless BENCH_ATTRIBUTION=0), without file watching.
import { attributionFor } from '../../runtime/attribution/index';
import { Runtime } from '../../runtime/runtime';

export async function startBenchRuntime(workspaceDir: string): Promise<Runtime> {
  // In `openrtc run` the control socket keeps the process up; here nothing else would while
  // calls are in flight, so hold it open until the benchmark exits.
  setInterval(() => {}, 60_000);
  const withAttribution = process.env.BENCH_ATTRIBUTION !== '0';
  const runtime: Runtime = await Runtime.start({
    workspaceDir,
    watch: false,
    ...(withAttribution ? { attribution: attributionFor(() => runtime) } : {}),
  });
  return runtime;
}
