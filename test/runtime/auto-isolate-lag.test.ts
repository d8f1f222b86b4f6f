// tenant_auto_isolate, the two checks of issue 13's Must-show beyond the basic one
// (auto-isolate.test.ts): after a blocking tenant is isolated, its spinning no longer raises the
// siblings' loop lag (p50/p99 within 2 ms of the same child stopped, bench/isolation's method:
// SIGSTOP/SIGCONT slices interleaved); and in a mixed load, a well-behaved tenant and one whose
// blocks stay under the budget are never isolated while a repeat offender is.
// The mixed load runs 20 s by default; OPENRTC_MIXED_LOAD_S=600 runs the 10-minute check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { attributionFor } from '../../runtime/attribution';
import type { Runtime } from '../../runtime/runtime';
import type { StartCallsResult } from '../../protocol/control';
import { LagSampler, interleaved } from '../../bench/isolation/lag-sampler';
import { isolatedRuntimeFor, sleep, spinUntilIsolated } from './isolation-harness';

const fixture = (name: string): string =>
  readFileSync(join(__dirname, '..', 'fixtures', 'block-workspace', 'agents', name), 'utf8');
const agents = {
  'agents/spinner.ts': readFileSync(join(__dirname, '..', 'fixtures', 'cpu-spinner', 'spinner.ts'), 'utf8'),
  'agents/echo.ts': fixture('echo.ts'),
};
const RULE = { block_ms: 200, blocks: 3, window_s: 60 };
const MIXED_S = Number(process.env.OPENRTC_MIXED_LOAD_S ?? 20);

test(
  "after auto-isolation the spinner's child does not raise the siblings' loop lag",
  { timeout: 120_000 },
  async (t) => {
    let rt: Runtime | undefined;
    const { runtime } = await isolatedRuntimeFor(
      t,
      'auto-isolate-lag',
      agents,
      { tenant_auto_isolate: RULE, slow_session_threshold_ms: 50 },
      { attribution: attributionFor(() => rt) },
    );
    rt = runtime;
    assert.equal((await runtime.startCalls({ agent: 'echo', tenant: 'acme', say: ['hi'] })).succeeded, 1);
    await spinUntilIsolated(runtime, 'spinco', 300);
    const pid = runtime.snapshot().tenants.spinco?.process?.pid;
    assert.ok(pid, 'spinco has a child process');

    // spinco keeps spinning, now in its child; acme keeps calling on the shared loop.
    const spinning = runtime.startCalls({ agent: 'spinner', tenant: 'spinco', say: ['5000'] });
    const siblings = runtime.startCalls({ agent: 'echo', tenant: 'acme', say: ['a', 'b'], count: 40, concurrency: 2 });
    await sleep(300);
    const sampler = new LagSampler();
    const missed = (l: Awaited<ReturnType<typeof interleaved>>): boolean =>
      l.running.p50_ms > l.stopped.p50_ms + 2 || (l.stopped.p99_ms <= 10 && l.running.p99_ms > l.stopped.p99_ms + 2);
    // As in isolation-spin.test.ts: one p99 on this 2-core host can catch a scheduler hiccup, so a
    // miss is measured once more and the bound asserted on that (a real regression misses both).
    let lag = await interleaved(sampler, pid, 1500);
    if (missed(lag)) {
      t.diagnostic(
        `first look: p50/p99 ${lag.running.p50_ms}/${lag.running.p99_ms} vs ${lag.stopped.p50_ms}/${lag.stopped.p99_ms} ms; measuring again`,
      );
      lag = await interleaved(sampler, pid, 1500);
    }
    sampler.stop();
    const [spun, calls] = await Promise.all([spinning, siblings]);
    assert.equal(spun.succeeded, 1, 'the spin ran to its end in the child');
    assert.equal(calls.failed, 0, `siblings' calls: ${JSON.stringify(calls)}`);
    t.diagnostic(
      `siblings' loop lag p50/p99: ${lag.running.p50_ms}/${lag.running.p99_ms} ms with spinco's child spinning vs ${lag.stopped.p50_ms}/${lag.stopped.p99_ms} ms with it stopped`,
    );
    assert.ok(lag.running.p50_ms <= lag.stopped.p50_ms + 2, `p50 ${lag.running.p50_ms} vs ${lag.stopped.p50_ms}`);
    // As in isolation-spin.test.ts: a p99 means something only when the host is quiet enough.
    if (lag.stopped.p99_ms <= 10)
      assert.ok(lag.running.p99_ms <= lag.stopped.p99_ms + 2, `p99 ${lag.running.p99_ms} vs ${lag.stopped.p99_ms}`);
    else t.diagnostic(`host contended (stopped p99 ${lag.stopped.p99_ms} ms): p99 bound not asserted`);
  },
);

test(
  `mixed load for ${MIXED_S} s: only the repeat offender is isolated`,
  {
    timeout: (MIXED_S + 120) * 1000,
  },
  async (t) => {
    let rt: Runtime | undefined;
    const { runtime } = await isolatedRuntimeFor(
      t,
      'auto-isolate-mixed',
      agents,
      { tenant_auto_isolate: RULE, slow_session_threshold_ms: 50, max_concurrent_sessions: 100 },
      { attribution: attributionFor(() => rt) },
    );
    rt = runtime;
    const until = Date.now() + MIXED_S * 1000;
    const totals = { calm: 0, under: 0, offender: 0, failed: 0, rejected: 0 };
    const loop = async (run: () => Promise<StartCallsResult>, key: 'calm' | 'under' | 'offender') => {
      while (Date.now() < until) {
        const r = await run();
        totals[key] += r.succeeded;
        totals.failed += r.failed;
        totals.rejected += Object.values(r.rejected).reduce((a, b) => a + (b ?? 0), 0);
      }
    };
    await Promise.all([
      // Well-behaved: short echo calls, several at a time.
      loop(
        () => runtime.startCalls({ agent: 'echo', tenant: 'calm', say: ['a', 'b', 'c'], count: 4, concurrency: 4 }),
        'calm',
      ),
      // Slow (each block past the 50 ms threshold) but always under the 200 ms budget. Beside another
      // test suite such a spin can take ≥ 200 ms of wall time (the loop waits for a core); the budget
      // judges a block's own length, so that wait is not held against the tenant.
      loop(() => runtime.startCalls({ agent: 'spinner', tenant: 'under', say: ['90', '70'] }), 'under'),
      // Blocks past the budget now and then: isolated after its third.
      loop(async () => {
        const r = await runtime.startCalls({ agent: 'spinner', tenant: 'offender', say: ['300'] });
        await sleep(1000);
        return r;
      }, 'offender'),
    ]);
    const snap = runtime.snapshot();
    t.diagnostic(`${MIXED_S} s: ${JSON.stringify(totals)}; slow sessions: under ${snap.tenants.under?.slow_sessions}`);
    assert.equal(snap.tenants.offender?.isolation, 'process');
    assert.equal(snap.tenants.calm?.isolation, 'coroutine', 'the well-behaved tenant stays on the shared loop');
    assert.equal(snap.tenants.under?.isolation, 'coroutine', 'blocks under block_ms never count');
    assert.ok(totals.calm > 0 && totals.under > 0 && totals.offender >= 3, JSON.stringify(totals));
    const auto = (await runtime.logs({ level: 'warn', limit: 10_000 })).records.filter((r) =>
      r.message.startsWith('[auto-isolate]'),
    );
    assert.deepEqual(
      auto.map((r) => r.tenant),
      ['offender'],
      auto.map((r) => r.message).join('\n'),
    );
  },
);
