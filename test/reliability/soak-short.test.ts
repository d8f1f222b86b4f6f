// The chaos soak, short form (about 35 s of traffic): six misbehaving tenants on one real runtime
// process, driven over its control socket, SIGTERM at the end. Asserts the goals; RSS is only
// reported here (35 s is too short for a growth figure to mean anything).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { missedGoals } from '../../bench/soak/run';
import { formatReport, runSoak, type SoakReport } from '../../bench/soak/soak';

describe('chaos soak (short)', { timeout: 150_000 }, () => {
  let report: SoakReport;
  before(async () => {
    report = await runSoak({ durationMs: 35_000, warmupMs: 10_000, killEveryMs: 3000 });
    console.log(formatReport(report));
  });

  it('healthy 100 %, caps exact, log complete, counters and callers match the log, clean SIGTERM, no secret', () => {
    assert.deepEqual(missedGoals(report, null), []);
    assert.ok(report.childKills >= 3, `the isolated child was killed ${report.childKills} times`);
    assert.ok(report.tenants.flaky.rejected > 0, "the flaky tenant's breaker opened and refused calls");
    assert.ok(report.tenants.burst.rejected > 0, 'the burst tenant hit its cap');
    assert.ok(report.tenants.isolated.failed > 0, 'killed children failed their sessions');
    assert.equal(report.changes.length, 2, 'both run-time changes applied');
    assert.ok(report.sessions > 1000, `${report.sessions} sessions`);
  });
});
