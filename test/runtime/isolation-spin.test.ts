// A tenant whose agent runs `while (true) {}`. On the shared loop it freezes every tenant (the
// runtime stops answering at all); isolated in its own child, the other tenants' calls keep
// succeeding and the runtime's loop lag stays at its idle level. Each mode runs in a fresh
// runtime process (bench/isolation/lag-runner.ts), since a frozen loop cannot report itself.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runSpin } from '../../bench/isolation/spin-harness';
import { buildTenantChild } from './isolation-harness';

test(
  'while(true) in one tenant: shared freezes the others; isolated leaves their loop lag and calls alone',
  { timeout: 120_000 },
  async (t) => {
    const build = buildTenantChild('spin');
    t.after(() => build.remove());

    const shared = await runSpin('shared', build.childFile);
    // The runtime never came back to report, and its loop answered no ping for the whole window.
    assert.equal(shared.spinning, null);
    assert.ok(shared.pingGapMaxMs >= 2500, `shared: longest ping gap ${shared.pingGapMaxMs} ms`);

    // One p99 on this 2-core host can catch a scheduler hiccup; a miss is measured once more, and
    // the bound is asserted on that second run (a real regression misses both).
    let isolated = await runSpin('isolated', build.childFile);
    const p99Missed = (r: typeof isolated): boolean =>
      !!r.spinning &&
      !!r.spinnerStopped &&
      r.spinnerStopped.p99_ms <= 10 &&
      r.spinning.p99_ms > r.spinnerStopped.p99_ms + 2;
    if (p99Missed(isolated)) {
      t.diagnostic(
        `isolated: p99 ${isolated.spinning?.p99_ms} vs ${isolated.spinnerStopped?.p99_ms} ms; measuring again`,
      );
      isolated = await runSpin('isolated', build.childFile);
    }
    const { spinning, spinnerStopped, others } = isolated;
    assert.ok(spinning && spinnerStopped && others, `isolated: the runtime reported (${JSON.stringify(isolated)})`);
    t.diagnostic(
      `isolated: loop lag p50/p99 ${spinning.p50_ms}/${spinning.p99_ms} ms with the spinner running vs ${spinnerStopped.p50_ms}/${spinnerStopped.p99_ms} ms with it stopped; shared: frozen ${shared.pingGapMaxMs} ms`,
    );
    assert.ok(others.succeeded > 50 && others.failed === 0, `others while spinning: ${JSON.stringify(others)}`);
    assert.ok(isolated.pingGapMaxMs < 2000, `isolated: longest ping gap ${isolated.pingGapMaxMs} ms`);
    // Interleaved A/B slices against the same runtime with the spinner SIGSTOPped. The median is
    // held to 2 ms always; the p99 too when the host is quiet enough for a p99 to mean anything
    // (on a contended host other processes' scheduling dominates both tails).
    assert.ok(spinning.p50_ms <= spinnerStopped.p50_ms + 2, `p50 ${spinning.p50_ms} vs ${spinnerStopped.p50_ms}`);
    if (spinnerStopped.p99_ms <= 10)
      assert.ok(spinning.p99_ms <= spinnerStopped.p99_ms + 2, `p99 ${spinning.p99_ms} vs ${spinnerStopped.p99_ms}`);
    else t.diagnostic(`host contended (idle p99 ${spinnerStopped.p99_ms} ms): p99 bound not asserted`);
  },
);
