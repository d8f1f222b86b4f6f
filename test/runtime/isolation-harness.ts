// Shared by the isolation tests: a private build of the tenant child bundle (dist/ is rebuilt
// and wiped by teammates' runs; a bundled child starts in about a second, through tsx in several),
// and a runtime whose isolated tenants use it with short timeouts.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { IsolationOptions } from '../../runtime/isolation/isolation-manager';
import { Runtime, type RuntimeStartOptions } from '../../runtime/runtime';
import { makeWorkspace, type Workspace } from './engine-workspace';

const root = join(__dirname, '..', '..');

export interface ChildBuild {
  dir: string;
  childFile: string;
  remove(): void;
}

/** Builds tenant-child.js (and the watchdog it starts) into .tools/ (gitignored, inside the repo so esbuild resolves). */
export function buildTenantChild(
  name: string,
  extra: string[] = [],
  dir = join(root, '.tools', `test-isolation-${name}-${process.pid}`),
): ChildBuild {
  mkdirSync(dir, { recursive: true });
  // The CLI serves its socket from the control thread, whose bundle sits beside it.
  const only = ['tenant-child', 'watchdog', ...extra, ...(extra.includes('cli') ? ['control-thread'] : [])].join(',');
  const r = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--outdir', dir, '--only', only], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
  return { dir, childFile: join(dir, 'tenant-child.js'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function isolationOptions(build: ChildBuild, over: IsolationOptions = {}): IsolationOptions {
  return {
    childEntry: { file: build.childFile, execArgv: [] },
    startTimeoutMs: 20_000,
    statsIntervalMs: 100,
    backoff: { initialMs: 100, maxMs: 1000 },
    ...over,
  };
}

export async function startIsolatedRuntime(
  dir: string,
  build: ChildBuild,
  over: Partial<RuntimeStartOptions> = {},
  iso: IsolationOptions = {},
): Promise<Runtime> {
  return Runtime.start({
    workspaceDir: dir,
    watch: false,
    callScript: { replyTimeoutMs: 5000, hangUpGraceMs: 1000 },
    isolation: isolationOptions(build, iso),
    ...over,
  });
}

/**
 * The usual test set-up: a private child build, a workspace with these agent files and config,
 * and a runtime on it; all three are stopped and removed after the test, even if start fails.
 */
export async function isolatedRuntimeFor(
  t: TestContext,
  name: string,
  files: Record<string, string>,
  config: object,
  over: Partial<RuntimeStartOptions> = {},
  iso: IsolationOptions = {},
): Promise<{ runtime: Runtime; ws: Workspace }> {
  const build = buildTenantChild(name);
  const ws = makeWorkspace(files, config);
  let rt: Runtime | undefined;
  t.after(async () => {
    await rt?.stop();
    ws.cleanup();
    build.remove();
  });
  rt = await startIsolatedRuntime(ws.dir, build, over, iso);
  return { runtime: rt, ws };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function waitFor(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * Places `spinner` calls for `tenant` (each one block of `spinMs`) until tenant_auto_isolate moves
 * it into a child, at most `maxCalls`. More than the rule's count may be needed on a starved host:
 * a block the watchdog could not sample in time names no one and does not count. Returns the calls
 * placed; the caller checks the decision's evidence (the reason names how many blocks counted).
 */
export async function spinUntilIsolated(
  runtime: Runtime,
  tenant: string,
  spinMs: number,
  maxCalls = 8,
): Promise<number> {
  const isolated = (): boolean => runtime.snapshot().tenants[tenant]?.isolation === 'process';
  let calls = 0;
  while (!isolated() && calls < maxCalls) {
    const r = await runtime.startCalls({ agent: 'spinner', tenant, say: [String(spinMs)], wait: true });
    if (r.succeeded !== 1) throw new Error(`spinner call for ${tenant}: ${JSON.stringify(r)}`);
    calls++;
    // The decision follows the block's report, which can arrive a little after the call ends.
    for (let i = 0; i < 25 && !isolated(); i++) await sleep(20);
  }
  await waitFor(`${tenant} isolated`, isolated);
  return calls;
}
