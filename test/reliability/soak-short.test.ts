// The chaos soak, short form (about 40 s of traffic): six misbehaving tenants on one real runtime
// process, driven over its control socket, SIGTERM at the end. Asserts the goals; RSS is only
// reported here (40 s is too short for a growth figure to mean anything).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { missedGoals } from '../../bench/soak/run.js';
import { formatReport, runSoak } from '../../bench/soak/soak.js';

test('chaos soak (short): healthy 100 %, caps exact, log complete, counters match, clean SIGTERM', { timeout: 120_000 }, async () => {
  const report = await runSoak({ durationMs: 40_000, warmupMs: 10_000, killEveryMs: 3000 });
  console.log(formatReport(report));
  assert.deepEqual(missedGoals(report, null), []);
  assert.ok(report.childKills >= 3, `the isolated child was killed ${report.childKills} times`);
  assert.ok(report.tenants.flaky.rejected > 0, 'the flaky tenant\'s breaker opened and refused calls');
  assert.ok(report.tenants.burst.rejected > 0, 'the burst tenant hit its cap');
  assert.ok(report.tenants.isolated.failed > 0, 'killed children failed their sessions');
  assert.equal(report.changes.length, 2, 'both run-time changes applied');
  assert.ok(report.sessions > 1000, `${report.sessions} sessions`);
});
