// Drives lag-runner.ts in a fresh process per mode and measures, from outside, how late that
// runtime's loop answers pings while tenant spinner spins (a frozen loop cannot report itself).
import { fork, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WINDOW_MS, type LagFigures, type RunnerMessage, type RunnerMode } from './lag-runner';

const root = join(__dirname, '..', '..');
const FIXTURES = join(root, 'test', 'fixtures', 'isolation');
const PING_MS = 10;

export interface SpinResult {
  mode: RunnerMode;
  /** In-process loop lag with only the well-behaved tenants running. */
  baseline: LagFigures;
  /** In-process loop lag while spinner spins; null when the loop never came back to report it. */
  spinning: LagFigures | null;
  /** Isolated only: the same runtime in interleaved slices with the spinner's child SIGSTOPped (the idle A/B baseline). */
  spinnerStopped: LagFigures | null;
  /** Longest wait for a ping answer while spinner spins, seen from outside (lower bound when frozen). */
  pingGapMaxMs: number;
  others: { started: number; succeeded: number; failed: number } | null;
  spinnerRssMb: number | null;
  parentRssMb: number | null;
  baselineRssMb: number;
}

export function makeSpinWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'openrtc-isolation-'));
  mkdirSync(join(dir, 'agents'));
  for (const f of ['spin-agent.ts', 'chatty-agent.ts']) copyFileSync(join(FIXTURES, f), join(dir, 'agents', f));
  // spinner is named in the config so it is a known tenant before its first call.
  writeFileSync(
    join(dir, 'openrtc.json'),
    JSON.stringify({ max_sessions_per_tenant: { spinner: 5 }, slow_session_threshold_ms: 200 }),
  );
  return dir;
}

/** `childFile`: a bundled tenant-child.js (starts in about a second; from source through tsx it takes several). */
export async function runSpin(mode: RunnerMode, childFile?: string): Promise<SpinResult> {
  const dir = makeSpinWorkspace();
  const child = fork(join(__dirname, 'lag-runner.ts'), [mode, dir, ...(childFile ? [childFile] : [])], {
    execArgv: ['--require', require.resolve('tsx/cjs')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let baseline: Extract<RunnerMessage, { type: 'baseline' }> | null = null;
  let measured: Extract<RunnerMessage, { type: 'measured' }> | null = null;
  let spinningAt = 0;
  let lastPong = 0;
  let gapMax = 0;
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (m: RunnerMessage) => {
      if (m.type === 'ready') resolve();
      else if (m.type === 'baseline') baseline = m;
      else if (m.type === 'spinning') spinningAt = lastPong = Date.now();
      else if (m.type === 'measured') measured = m;
      else if (m.type === 'pong' && spinningAt > 0 && !measured) {
        gapMax = Math.max(gapMax, Date.now() - lastPong);
        lastPong = Date.now();
      }
    });
    child.once('exit', (code) => reject(new Error(`lag-runner (${mode}) exited with ${code} before it was ready`)));
  });
  try {
    await ready;
    const pinger = setInterval(() => child.connected && child.send({ type: 'ping', t: Date.now() }), PING_MS);
    const deadline = Date.now() + 30_000;
    // Done when measured arrives, or (frozen loop) a whole window plus margin passed after 'spinning'.
    // Isolated: until 'measured'. Shared: the loop is frozen, so a window plus margin after 'spinning' says enough.
    const frozenLongEnough = (): boolean =>
      mode === 'shared' && spinningAt > 0 && Date.now() - spinningAt > WINDOW_MS + 1500;
    while (!measured && !frozenLongEnough() && Date.now() < deadline) await sleep(50);
    clearInterval(pinger);
    if (!measured && spinningAt > 0) gapMax = Math.max(gapMax, Date.now() - lastPong);
    if (!baseline) throw new Error(`lag-runner (${mode}) sent no baseline`);
    const b = baseline as Extract<RunnerMessage, { type: 'baseline' }>;
    const m = measured as Extract<RunnerMessage, { type: 'measured' }> | null;
    return {
      mode,
      baseline: b.lag,
      spinning: m?.lag ?? null,
      spinnerStopped: m?.lag_spinner_stopped ?? null,
      pingGapMaxMs: gapMax,
      others: m?.others ?? null,
      spinnerRssMb: m?.spinner_rss_mb ?? null,
      parentRssMb: m?.parent_rss_mb ?? null,
      baselineRssMb: b.rss_mb,
    };
  } finally {
    await stopRunner(child, measured);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Isolated: the runner stops its runtime, which kills its spinning child. Shared: the loop is frozen, so SIGKILL. */
async function stopRunner(
  child: ChildProcess,
  measured: Extract<RunnerMessage, { type: 'measured' }> | null,
): Promise<void> {
  const exited = new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  );
  if (measured && child.connected) child.send({ type: 'stop' });
  await Promise.race([exited, sleep(measured ? 5000 : 0)]);
  child.kill('SIGKILL');
  await exited;
  // Backstop: a tenant child can only notice its parent's death between spins.
  if (measured?.spinner_pid) {
    try {
      process.kill(measured.spinner_pid, 'SIGKILL');
    } catch {
      // Already gone: the runtime stopped it.
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
