// LiveKit worker-mode benchmark: `node --import tsx bench/livekit/run.ts`
// One stand-in LiveKit server (this process) drives, in the same run:
//   - ours: `Runtime` + our worker client in a child process, holding 1,000 live sessions;
//   - agents-js: the real 1.9.0 `AgentServer` in a child process (its requestFunc).
// 1. availability: BENCH_OFFERS offers (default 2000), BENCH_CONCURRENCY in flight (default 50),
//    all answered no (ours: the tenant is at its cap, through full admission; agents-js: rejected
//    by requestFunc), so neither side starts work: offers answered per second and the answer's
//    round trip p50/p99 as the stand-in measures it, ours / agents-js as ratios.
// 2. job start: offer sent → `entry` running (the agent notes Date.now()), BENCH_STARTS jobs
//    (default 10) one at a time: ours (a session on the loop) vs agents-js (a forked child).
// The machine is shared: read the ratios, not the absolutes.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobStatus } from '@livekit/protocol';
import { StandInLiveKit } from '../../test/livekit/stand-in-server';
import { waitFor } from '../../test/livekit/wait';

const OFFERS = Number(process.env.BENCH_OFFERS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const LIVE = Number(process.env.BENCH_LIVE ?? 1000);
const STARTS = Number(process.env.BENCH_STARTS ?? 10);
const KEY = 'APIbench';
const SECRET = 'bench-secret-0123456789abcdef0123456789';
const root = join(__dirname, '..', '..');

const AGENT = `
import { appendFileSync } from 'node:fs';
import { defineAgent } from 'openrtc';
export default defineAgent({
  name: 'bench',
  async entry(ctx) {
    if (ctx.metadata.note) appendFileSync(process.env.ENTRY_LOG, JSON.stringify({ job: ctx.metadata.livekit_job.id, at: Date.now() }) + '\\n');
    await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
  },
});
`;

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

function entries(file: string): { job: string; at: number }[] {
  return existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { job: string; at: number })
    : [];
}

async function availability(
  server: StandInLiveKit,
  agentName: string,
  metadata: string,
): Promise<{ rate: number; p50: number; p99: number }> {
  server.offerLatenciesMs.length = 0;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < OFFERS) {
        next++;
        await server.dispatch({ agentName, room: 'bench', metadata });
      }
    }),
  );
  const rate = OFFERS / ((performance.now() - t0) / 1000);
  return { rate, p50: pct(server.offerLatenciesMs, 50), p99: pct(server.offerLatenciesMs, 99) };
}

/**
 * agents-js's forked job child imports agents-js and the agent (~1.6 s quiet, tens of seconds on a
 * loaded host) and never sends updateJob (its job stays PENDING at the stand-in): a generous
 * bound, and the side named, so a slow child start is not mistaken for a lost job.
 */
const ENTRY_WAIT_MS = 180_000;

async function jobStart(server: StandInLiveKit, agentName: string, metadata: string, log: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const sent = Date.now();
    const job = await server.dispatch({ agentName, room: `start-${i}`, metadata });
    if (job.status === JobStatus.JS_FAILED) throw new Error(`job start ${i} failed: ${job.error}`);
    await waitFor(
      `${agentName}'s entry (job ${job.job.id} status ${job.status} ${job.error})`,
      () => entries(log).some((e) => e.job === job.job.id),
      ENTRY_WAIT_MS,
    );
    times.push(entries(log).find((e) => e.job === job.job.id)!.at - sent);
    server.terminate(job.job.id);
  }
  return times;
}

void (async () => {
  const dir = mkdtempSync(join(tmpdir(), 'orc-bench-lk-'));
  const children: ChildProcess[] = [];
  const server = await StandInLiveKit.start({ apiKey: KEY, apiSecret: SECRET });
  const env = { ...process.env, LIVEKIT_URL: server.url, LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET };
  try {
    const ws = join(dir, 'ws');
    mkdirSync(join(ws, 'agents'), { recursive: true });
    writeFileSync(join(ws, 'agents', 'bench.ts'), AGENT);
    writeFileSync(
      join(ws, 'openrtc.json'),
      JSON.stringify({
        max_concurrent_sessions: LIVE + 100,
        max_sessions_per_tenant: { capped: 0 },
        livekit: { agent_name: 'ours' },
      }),
    );
    const ourLog = join(dir, 'ours-entry.jsonl');
    children.push(
      spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'our-worker.ts')], {
        cwd: root,
        env: { ...env, BENCH_WS: ws, ENTRY_LOG: ourLog },
        stdio: 'inherit',
      }),
    );
    const theirLog = join(dir, 'agents-js-entry.jsonl');
    children.push(
      spawn(process.execPath, [join(root, 'test/fixtures/livekit/agents-js-server.mjs')], {
        env: { ...env, AGENT_NAME: 'theirs', ENTRY_LOG: theirLog },
        stdio: 'inherit',
      }),
    );
    await waitFor(
      'both workers registered',
      () => server.connectedWorkers('ours').length === 1 && server.connectedWorkers('theirs').length === 1,
      60_000,
    );

    console.log(`ours: placing ${LIVE} live sessions…`);
    await Promise.all(
      Array.from({ length: LIVE }, (_, i) =>
        server.dispatch({ agentName: 'ours', room: `live-${i}`, metadata: '{"tenant":"live"}' }),
      ),
    );
    await waitFor(`${LIVE} running`, () => server.jobsWith(JobStatus.JS_RUNNING).length >= LIVE, 120_000);

    const ours = await availability(server, 'ours', '{"tenant":"capped"}');
    const theirs = await availability(server, 'theirs', '{"tenant":"blocked"}');
    // Printed as soon as measured: a job-start failure later must not lose these figures.
    const f = (n: number): string => n.toFixed(2);
    console.log(
      `\navailability (${OFFERS} offers, ${CONCURRENCY} in flight; ours with ${LIVE} live sessions, agents-js idle)`,
    );
    console.log(`  ours:     ${ours.rate.toFixed(0)} answers/s, p50 ${f(ours.p50)} ms, p99 ${f(ours.p99)} ms`);
    console.log(`  agents-js: ${theirs.rate.toFixed(0)} answers/s, p50 ${f(theirs.p50)} ms, p99 ${f(theirs.p99)} ms`);
    console.log(`  ratio ours/agents-js: rate ×${f(ours.rate / theirs.rate)}, p99 ×${f(ours.p99 / theirs.p99)}`);
    const ourStart = await jobStart(server, 'ours', '{"tenant":"starts","note":true}', ourLog);
    const theirStart = await jobStart(server, 'theirs', '{"tenant":"starts"}', theirLog);
    const m = (xs: number[]): number => pct(xs, 50);
    console.log(`\njob start, offer → entry running (median of ${STARTS})`);
    console.log(`  ours (session on the loop): ${m(ourStart)} ms;  agents-js (forked child): ${m(theirStart)} ms`);
    console.log(`  agents-js / ours: ×${f(m(theirStart) / Math.max(1, m(ourStart)))}`);
  } catch (err) {
    const log = join(dir, 'ws', '.openrtc', 'worker.jsonl');
    if (existsSync(log)) console.error(readFileSync(log, 'utf8').split('\n').slice(-6).join('\n'));
    throw err;
  } finally {
    for (const c of children) c.kill('SIGKILL');
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
})();
