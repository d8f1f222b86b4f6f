// The chaos soak: the real `openrtc run` CLI (bundled, a child process) with six tenants, each
// misbehaving its own way, driven over the real control socket. While it runs, caps and breaker
// settings change and openrtc.json is rewritten and reloaded; the isolated tenant's child is
// killed with SIGKILL at random. At the end the runtime gets SIGTERM. The report is computed from
// what the socket and the log file say, never from the runtime's own claims alone.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { connectControl, type ControlClient } from '../../protocol/connect';
import type { LoopLag, RuntimeEvent, RuntimeSnapshot, StartCallsResult } from '../../protocol/control';
import { heapFigures, readMemTrace, rssFigures, type HeapFigures, type RssFigures } from './memory';
import { checkLogCompleteness, compareCallerTally, compareCounters, type LogCheck } from './log-check';
import { makeSoakWorkspace, SOAK_TENANTS, type SoakCaps, type SoakTenant } from './workspace';

const root = join(__dirname, '..', '..');
/** A value only the healthy tenant's config resolves to: it must never surface anywhere. */
export const SOAK_SECRET = 'sk-soak-0123456789-never-logged';

export interface SoakOptions {
  durationMs: number;
  /** RSS "after warm-up" is read at this point. */
  warmupMs: number;
  /** Random SIGKILLs of the isolated tenant's child happen this often (± half). */
  killEveryMs: number;
  log?: (line: string) => void;
}

export interface TenantTally {
  started: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  rejected: number;
}

export interface SoakReport {
  durationS: number;
  sessions: number;
  tenants: Record<SoakTenant, TenantTally>;
  healthySuccessRate: number;
  /** Highest active count seen per tenant, from events (every start/end) and from snapshot polls. */
  peakActive: Record<SoakTenant, { events: number; snapshots: number; capAtPeak: number }>;
  /** Starts that took a tenant above the cap in force (events) or snapshots with active > cap. */
  capViolations: string[];
  snapshotPolls: number;
  eventsDropped: number;
  childKills: number;
  changes: string[];
  log: LogCheck;
  counterMismatches: string[];
  /** RSS (snapshot rss_mb), median over a window right after warm-up and over the last window of
   * traffic: one reading is a point on V8's collection sawtooth (heapTotal swings by ~60 MB here). */
  rss: RssFigures;
  /** The runtime's JS heap from its memory trace (bench/soak/mem-probe.cjs), same windows. */
  heap: HeapFigures;
  sharedLoopLag: LoopLag;
  isolatedChildLoopLag: LoopLag | null;
  sigtermExitCode: number | null;
  secretSeen: string[];
}

const INITIAL_CAPS: SoakCaps = { burst: 3, isolated: 6, flakyCooldownS: 2 };
const RELOADED_CAPS: SoakCaps = { burst: 6, isolated: 8, flakyCooldownS: 1 };
/** Calls per round and concurrency per tenant; the burst tenant asks for 20× its cap at once. */
const ROUNDS: Record<Exclude<SoakTenant, 'burst'>, { count: number; concurrency: number }> = {
  healthy: { count: 20, concurrency: 6 },
  flaky: { count: 10, concurrency: 3 },
  blocker: { count: 10, concurrency: 3 },
  leaker: { count: 10, concurrency: 4 },
  isolated: { count: 12, concurrency: 6 },
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Bundles cli.js with the watchdog and tenant-child beside it (dist/ is shared with teammates' runs). */
function buildCli(): { dir: string; remove(): void } {
  const dir = join(root, '.tools', `soak-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const r = spawnSync(
    process.execPath,
    [join(root, 'scripts/build.mjs'), '--outdir', dir, '--only', 'cli,watchdog,tenant-child'],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`soak: build failed: ${r.stderr}`);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function startRuntime(
  cli: string,
  workspace: string,
  socketPath: string,
  memTrace: string,
): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(
    process.execPath,
    [
      ...(process.env['OPENRTC_SOAK_HEAP_SNAPSHOTS'] ? ['--expose-gc'] : []),
      '--require',
      join(__dirname, 'mem-probe.cjs'),
      cli,
      'run',
      workspace,
      '--socket',
      socketPath,
      '--drain-timeout',
      '10',
    ],
    {
      env: { ...process.env, OPENRTC_SOCKET: '', SOAK_HEALTHY_KEY: SOAK_SECRET, OPENRTC_SOAK_MEM_TRACE: memTrace },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`soak: runtime not listening after 30 s: ${out}`)), 30_000);
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('listening on')) {
        clearTimeout(timer);
        resolve({ child, output: () => out });
      }
    });
    child.once('exit', (code) => reject(new Error(`soak: runtime exited ${code} before listening: ${out}`)));
  });
}

function emptyTally(): TenantTally {
  return { started: 0, succeeded: 0, failed: 0, cancelled: 0, rejected: 0 };
}

function addResult(t: TenantTally, r: StartCallsResult): void {
  t.started += r.started;
  t.succeeded += r.succeeded;
  t.failed += r.failed;
  t.cancelled += r.cancelled;
  t.rejected += Object.values(r.rejected).reduce((a, b) => a + (b ?? 0), 0);
}

const tenantNames = Object.keys(SOAK_TENANTS) as SoakTenant[];
const byTenant = <T>(make: () => T): Record<SoakTenant, T> =>
  Object.fromEntries(tenantNames.map((t) => [t, make()])) as Record<SoakTenant, T>;

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const say = options.log ?? (() => {});
  const build = buildCli();
  const ws = makeSoakWorkspace(INITIAL_CAPS);
  const socketPath = join(ws.dir, 'control.sock');
  let runtime: ChildProcess | undefined;
  let client: ControlClient | undefined;
  try {
    const memTrace = join(ws.dir, 'mem-trace.jsonl');
    const started = await startRuntime(join(build.dir, 'cli.js'), ws.dir, socketPath, memTrace);
    runtime = started.child;
    const conn = await connectControl(socketPath, { clientName: 'soak', timeoutMs: 10_000 });
    if (conn.kind !== 'openrtc') throw new Error('soak: not an openrtc runtime');
    client = conn.client;
    const c = client;
    const logFile = c.hello.log_file;

    // Caps in force, per tenant; a change counts from the moment its request is sent (caps only
    // rise during the soak, so an earlier count is the stricter one).
    const capNow: Record<SoakTenant, number> = {
      ...byTenant(() => 40),
      burst: INITIAL_CAPS.burst,
      isolated: INITIAL_CAPS.isolated,
    };
    const active = byTenant(() => 0);
    const peak = byTenant(() => ({ events: 0, snapshots: 0, capAtPeak: 0 }));
    const violations: string[] = [];
    const observed: RuntimeEvent[] = [];
    let eventsDropped = 0;
    const known = (t: string): t is SoakTenant => Object.hasOwn(SOAK_TENANTS, t);
    await c.subscribe(
      {},
      (e) => {
        observed.push(e);
        if (!('session_id' in e) || !e.tenant || !known(e.tenant) || e.type === 'slow_session') return;
        const t = e.tenant;
        if (e.type === 'session_started') {
          active[t] += 1;
          if (active[t] > peak[t].events) peak[t] = { ...peak[t], events: active[t], capAtPeak: capNow[t] };
          if (active[t] > capNow[t])
            violations.push(`${t}: ${active[t]} active at ${e.ts} with cap ${capNow[t]} (event ${e.session_id})`);
        } else {
          active[t] -= 1;
        }
      },
      (n) => (eventsDropped += n),
    );

    const tally = byTenant(emptyTally);
    const t0 = Date.now();
    const deadline = t0 + options.durationMs;
    const running = (): boolean => Date.now() < deadline;
    const drive = async (tenant: SoakTenant): Promise<void> => {
      while (running()) {
        const round =
          tenant === 'burst' ? { count: 20 * capNow.burst, concurrency: 20 * capNow.burst } : ROUNDS[tenant];
        const r = await c.request('startCalls', {
          agent: 'soak',
          tenant,
          metadata: { mode: SOAK_TENANTS[tenant] },
          ...round,
          wait: true,
        });
        addResult(tally[tenant], r);
        // A tenant whose breaker is open gets every call refused at once: do not spin on it.
        await sleep(tenant === 'burst' ? 200 : 20);
      }
    };

    let polls = 0;
    const rssSamples: { atMs: number; mb: number }[] = [];
    const poll = async (): Promise<void> => {
      while (running()) {
        const s: RuntimeSnapshot = await c.request('snapshot');
        polls += 1;
        for (const t of tenantNames) {
          const ts = s.tenants[t];
          if (!ts) continue;
          if (ts.active > peak[t].snapshots) peak[t].snapshots = ts.active;
          if (ts.cap !== null && ts.active > ts.cap)
            violations.push(`${t}: snapshot shows ${ts.active} active with cap ${ts.cap}`);
        }
        rssSamples.push({ atMs: Date.now() - t0, mb: s.rss_mb });
        await sleep(10);
      }
    };

    let kills = 0;
    const killer = async (): Promise<void> => {
      while (running()) {
        await sleep(options.killEveryMs * (0.5 + Math.random()));
        const pid = (await c.request('snapshot')).tenants['isolated']?.process?.pid;
        if (pid && running()) {
          try {
            process.kill(pid, 'SIGKILL');
            kills += 1;
          } catch {
            // It died or is restarting already; the next round tries again.
          }
        }
      }
    };

    const changes: string[] = [];
    // The operator's changes land during warm-up: they raise caps (more sessions at once, so more
    // memory), and RSS after warm-up is compared with the end, which must run under the same settings.
    const operator = async (): Promise<void> => {
      await sleep(options.warmupMs * 0.4);
      capNow.burst = 5;
      await c.request('setTenantCap', { tenant: 'burst', cap: 5 });
      await c.request('setBreaker', { tenant: 'flaky', cooldown_s: 1, min_samples: 4 });
      changes.push(
        `t=${((Date.now() - t0) / 1000).toFixed(1)}s setTenantCap burst 3→5; setBreaker flaky cooldown 1 s, min_samples 4`,
      );
      await sleep(options.warmupMs * 0.4);
      capNow.burst = RELOADED_CAPS.burst;
      capNow.isolated = RELOADED_CAPS.isolated;
      ws.writeConfig(RELOADED_CAPS);
      const reload = await c.request('reloadConfig');
      if (!reload.ok) throw new Error(`soak: config reload refused: ${reload.error}`);
      changes.push(
        `t=${((Date.now() - t0) / 1000).toFixed(1)}s openrtc.json rewritten and reloaded: burst cap 6, isolated cap 8, cooldown 1 s`,
      );
    };

    await Promise.all([...tenantNames.map(drive), poll(), killer(), operator()]);
    // The leaker's timers throw up to 0.5 s after its last sessions ended: let them land before
    // the counters are read, so the snapshot and the log describe the same moment.
    await sleep(1000);
    const final = await c.request('snapshot');
    say(`soak: traffic done after ${((Date.now() - t0) / 1000).toFixed(1)} s; SIGTERM`);

    client.close();
    client = undefined;
    const exit = new Promise<number | null>((r) => runtime!.once('exit', (code) => r(code)));
    runtime.kill('SIGTERM');
    const sigtermExitCode = await exit;
    runtime = undefined;

    const log = await checkLogCompleteness(logFile, observed);
    const counterMismatches = [
      ...compareCounters(final, log),
      ...tenantNames.flatMap((t) => compareCallerTally(t, tally[t], log)),
    ];
    const secretSeen = [
      ...(log.rawText.includes(SOAK_SECRET) ? ['log file'] : []),
      ...(JSON.stringify(observed).includes(SOAK_SECRET) ? ['events'] : []),
      ...(JSON.stringify(final).includes(SOAK_SECRET) ? ['snapshot'] : []),
      ...(started.output().includes(SOAK_SECRET) ? ['runtime stdout/stderr'] : []),
    ];
    const healthy = tally.healthy;
    return {
      durationS: (Date.now() - t0) / 1000,
      sessions: final.total_sessions_started,
      tenants: tally,
      healthySuccessRate: healthy.started === 0 ? 0 : healthy.succeeded / healthy.started,
      peakActive: peak,
      capViolations: violations,
      snapshotPolls: polls,
      eventsDropped,
      childKills: kills,
      changes,
      log: { ...log, rawText: '' },
      counterMismatches,
      rss: rssFigures(rssSamples, options.warmupMs, options.durationMs, final.rss_mb),
      heap: heapFigures(readMemTrace(memTrace, t0), options.warmupMs, options.durationMs),
      sharedLoopLag: final.loop_lag,
      isolatedChildLoopLag: final.tenants['isolated']?.process?.loop_lag ?? null,
      sigtermExitCode,
      secretSeen,
    };
  } finally {
    client?.close();
    runtime?.kill('SIGKILL');
    build.remove();
    ws.cleanup();
  }
}

const pct = (from: number, to: number): string => `${(((to - from) / from) * 100).toFixed(1)} %`;

export function formatReport(r: SoakReport): string {
  const lines = [
    `soak: ${r.sessions} sessions in ${r.durationS.toFixed(1)} s (${(r.sessions / r.durationS).toFixed(0)}/s), ${r.childKills} SIGKILLs of the isolated child, ${r.snapshotPolls} snapshot polls`,
    ...r.changes.map((c) => `  change: ${c}`),
    `  per tenant (started/succeeded/failed/cancelled/rejected; peak active events/snapshots vs cap):`,
    ...tenantNames.map((t) => {
      const x = r.tenants[t];
      const p = r.peakActive[t];
      return `    ${t.padEnd(9)} ${x.started}/${x.succeeded}/${x.failed}/${x.cancelled}/${x.rejected}; peak ${p.events}/${p.snapshots} (cap at peak ${p.capAtPeak})`;
    }),
    `  healthy success rate: ${(r.healthySuccessRate * 100).toFixed(2)} %`,
    `  cap violations: ${r.capViolations.length}${r.capViolations.length ? ` (${r.capViolations.slice(0, 3).join('; ')})` : ''}`,
    `  log: ${r.log.startRecords} start records, ${r.log.missing.length} sessions missing a start or with ≠1 end or wrong tenant, ${r.log.badLines} unparsable lines`,
    `  counters snapshot vs log: ${r.counterMismatches.length === 0 ? 'equal' : r.counterMismatches.join('; ')}`,
    `  events dropped to this subscriber: ${r.eventsDropped}`,
    `  RSS median over ${r.rss.windowS} s after warm-up ${r.rss.warmMb} MB, over the last ${r.rss.windowS} s ${r.rss.endMb} MB (${pct(r.rss.warmMb, r.rss.endMb)}); ` +
      `single readings: at warm-up ${r.rss.warmPointMb} MB, final ${r.rss.finalMb} MB (${pct(r.rss.warmPointMb, r.rss.finalMb)}); range ${r.rss.minMb}–${r.rss.maxMb} MB`,
    `  JS heap: live (lowest heapUsed) ${r.heap.usedLowWarmMb} → ${r.heap.usedLowEndMb} MB (${pct(r.heap.usedLowWarmMb, r.heap.usedLowEndMb)}); ` +
      `heapTotal median ${r.heap.totalWarmMb} → ${r.heap.totalEndMb} MB, range ${r.heap.totalMinMb}–${r.heap.totalMaxMb} MB`,
    `  loop lag p99: shared loop (healthy, with the blocker on it) ${r.sharedLoopLag.p99_ms} ms; isolated child ${r.isolatedChildLoopLag?.p99_ms ?? 'n/a'} ms`,
    `  SIGTERM exit code: ${r.sigtermExitCode}; secret value seen in: ${r.secretSeen.length ? r.secretSeen.join(', ') : 'nothing'}`,
  ];
  return lines.join('\n');
}
