// Isolation benchmark: one run, figures side by side, as ratios against baselines measured in
// the same run (the host is shared and noisy; absolute numbers mean little).
//   node --import tsx bench/isolation/run.ts
// 1. A tenant spinning in `while (true) {}`: the runtime's loop lag and the other tenants' calls,
//    shared vs isolated (each in a fresh runtime process, see lag-runner.ts).
// 2. Memory per tenant: shared (the RSS a tenant's live sessions add to the one process) vs
//    isolated (its child's RSS and PSS plus what it adds to the parent).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Runtime } from '../../runtime/runtime';
import { runSpin, type SpinResult } from './spin-harness';

const root = join(__dirname, '..', '..');
const TENANTS = ['t1', 't2', 't3', 't4'];
const SESSIONS_PER_TENANT = 5;

function buildChild(): string {
  const dir = join(root, '.tools', `bench-isolation-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const r = spawnSync(
    process.execPath,
    [join(root, 'scripts/build.mjs'), '--outdir', dir, '--only', 'tenant-child,watchdog'],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
  return dir;
}

const mb = (n: number | null | undefined): string => (n === null || n === undefined ? 'n/a' : `${n.toFixed(1)} MB`);
const lag = (l: { p50_ms: number; p99_ms: number; max_ms: number } | null): string =>
  l ? `p50 ${l.p50_ms} / p99 ${l.p99_ms} / max ${l.max_ms} ms` : 'no report (loop frozen)';

function printSpin(shared: SpinResult, isolated: SpinResult): void {
  console.log('\n== while(true) in tenant "spinner"; tenants alpha and bravo make steady calls');
  console.log(
    `${'mode'.padEnd(9)} | ${'loop lag before spin'.padEnd(38)} | ${'loop lag while spinning'.padEnd(38)} | longest ping gap | alpha+bravo calls in window`,
  );
  for (const r of [shared, isolated]) {
    const others = r.others ? `${r.others.succeeded} ok, ${r.others.failed} failed` : 'none completed';
    console.log(
      `${r.mode.padEnd(9)} | ${lag(r.baseline).padEnd(38)} | ${lag(r.spinning).padEnd(38)} | ${`${r.pingGapMaxMs} ms`.padEnd(16)} | ${others}`,
    );
  }
  if (isolated.spinning && isolated.spinnerStopped) {
    const s = isolated.spinning;
    const b = isolated.spinnerStopped;
    console.log(
      `isolated A/B (interleaved slices, spinner's child running vs SIGSTOPped): p50 ${s.p50_ms} vs ${b.p50_ms} ms (${(s.p50_ms / b.p50_ms).toFixed(2)}x, +${(s.p50_ms - b.p50_ms).toFixed(2)} ms), p99 ${s.p99_ms} vs ${b.p99_ms} ms (${(s.p99_ms / b.p99_ms).toFixed(2)}x, +${(s.p99_ms - b.p99_ms).toFixed(2)} ms)`,
    );
  }
  console.log(
    `shared: the loop answered no ping for ${shared.pingGapMaxMs} ms (the whole window; it never comes back) vs ${isolated.pingGapMaxMs} ms isolated: ${(shared.pingGapMaxMs / Math.max(1, isolated.pingGapMaxMs)).toFixed(1)}x`,
  );
}

function rssMb(): number {
  return process.memoryUsage.rss() / 2 ** 20;
}

/** PSS of a process from /proc (shared pages split between their users), MB. */
function pssMb(pid: number): number | null {
  try {
    const m = /^Pss:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

async function settle(): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((r) => setTimeout(r, 1500));
}

/** Live sessions: each caller thinks 20 s before its only turn. */
function holdCalls(rt: Runtime): void {
  for (const tenant of TENANTS)
    void rt.startCalls({
      agent: 'chatty',
      tenant,
      count: SESSIONS_PER_TENANT,
      say: ['hi'],
      think_ms: 20_000,
      wait: false,
    });
}

async function memory(childFile: string): Promise<void> {
  const ws = mkdtempSync(join(tmpdir(), 'openrtc-bench-iso-'));
  mkdirSync(join(ws, 'agents'));
  copyFileSync(join(root, 'test', 'fixtures', 'isolation', 'chatty-agent.ts'), join(ws, 'agents', 'chatty.ts'));
  writeFileSync(
    join(ws, 'openrtc.json'),
    JSON.stringify({ tenant_config: Object.fromEntries(TENANTS.map((t) => [t, {}])) }),
  );
  const rt = await Runtime.start({
    workspaceDir: ws,
    watch: false,
    isolation: { childEntry: { file: childFile, execArgv: [] } },
  });
  try {
    await settle();
    const idle = rssMb();
    holdCalls(rt);
    await settle();
    const shared = rssMb();
    const perShared = (shared - idle) / TENANTS.length;
    await rt.drain({ timeout_s: 0 });
    // A fresh runtime for the isolated half, so the shared sessions' garbage does not count.
    await rt.stop();
    const rt2 = await Runtime.start({
      workspaceDir: ws,
      watch: false,
      isolation: { childEntry: { file: childFile, execArgv: [] } },
    });
    try {
      await settle();
      const idle2 = rssMb();
      for (const t of TENANTS) await rt2.isolateTenant({ tenant: t });
      holdCalls(rt2);
      await settle();
      const parentDelta = (rssMb() - idle2) / TENANTS.length;
      const procs = TENANTS.map((t) => rt2.snapshot().tenants[t]?.process);
      const childRss = procs.reduce((a, p) => a + (p?.rss_mb ?? 0), 0) / TENANTS.length;
      const childPss = procs.reduce((a, p) => a + (p?.pid ? (pssMb(p.pid) ?? 0) : 0), 0) / TENANTS.length;
      console.log(
        `\n== memory per tenant (${TENANTS.length} tenants x ${SESSIONS_PER_TENANT} live sessions, chatty agent)`,
      );
      console.log(
        `shared:   +${mb(perShared)} RSS per tenant in the one process (idle runtime ${mb(idle)}, loaded ${mb(shared)})`,
      );
      console.log(
        `isolated: ${mb(childRss)} RSS (${mb(childPss)} PSS) per tenant child, +${mb(parentDelta)} in the parent per tenant`,
      );
      const isoRss = childRss + parentDelta;
      const isoPss = childPss + parentDelta;
      // A stub agent's sessions add almost nothing to a shared process; a ratio over ~0 would mislead.
      if (perShared >= 1)
        console.log(
          `isolated / shared per tenant: ${(isoRss / perShared).toFixed(1)}x by RSS, ${(isoPss / perShared).toFixed(1)}x by PSS`,
        );
      else
        console.log(
          `a shared tenant adds under 1 MB; an isolated one costs ${mb(isoRss)} RSS (${mb(isoPss)} PSS) = ${((isoRss / idle) * 100).toFixed(0)}% (${((isoPss / idle) * 100).toFixed(0)}% by PSS) of the whole idle shared runtime`,
        );
    } finally {
      await rt2.stop();
    }
  } finally {
    await rt.stop();
    rmSync(ws, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const dir = buildChild();
  const childFile = join(dir, 'tenant-child.js');
  try {
    console.log(
      `isolation bench on Node ${process.version}; host load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)} (shared host: compare within a row, not across runs)`,
    );
    const shared = await runSpin('shared', childFile);
    const isolated = await runSpin('isolated', childFile);
    printSpin(shared, isolated);
    await memory(childFile);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
