// Long form of the chaos soak: `npx tsx bench/soak/run.ts --minutes 30` (default 2 minutes).
// Prints the report; exits 1 when a goal is missed (healthy success < 100 %, a cap exceeded,
// a session incomplete in the log, counters differing, RSS growth > 10 %, SIGTERM exit ≠ 0).
import { parseArgs } from 'node:util';
import { formatReport, runSoak, type SoakReport } from './soak';

export function missedGoals(r: SoakReport, rssLimitPct: number | null): string[] {
  const missed: string[] = [];
  if (r.healthySuccessRate !== 1) missed.push(`healthy success ${(r.healthySuccessRate * 100).toFixed(2)} %`);
  if (r.tenants.healthy.rejected > 0) missed.push(`healthy calls rejected: ${r.tenants.healthy.rejected}`);
  if (r.capViolations.length > 0) missed.push(`${r.capViolations.length} cap violations`);
  if (r.log.missing.length > 0)
    missed.push(`${r.log.missing.length} sessions incomplete in the log: ${r.log.missing.slice(0, 5).join('; ')}`);
  if (r.log.badLines > 0) missed.push(`${r.log.badLines} unparsable log lines`);
  if (r.counterMismatches.length > 0) missed.push(`counters differ: ${r.counterMismatches.join('; ')}`);
  if (r.eventsDropped > 0) missed.push(`${r.eventsDropped} events dropped (peaks from events are incomplete)`);
  if (r.sigtermExitCode !== 0) missed.push(`SIGTERM exit code ${r.sigtermExitCode}`);
  if (r.secretSeen.length > 0) missed.push(`secret value seen in ${r.secretSeen.join(', ')}`);
  if (rssLimitPct !== null && r.rss.endMb > r.rss.warmMb * (1 + rssLimitPct / 100))
    missed.push(`RSS (${r.rss.windowS}-s medians) grew ${r.rss.warmMb} → ${r.rss.endMb} MB`);
  return missed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { minutes: { type: 'string', default: '2' } } });
  const minutes = Number(values.minutes);
  if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 24 * 60)
    throw new Error(`--minutes: expected a number of minutes in (0, 1440], got ${JSON.stringify(values.minutes)}`);
  const durationMs = minutes * 60_000;
  const report = await runSoak({
    durationMs,
    warmupMs: Math.min(120_000, durationMs * 0.2),
    killEveryMs: 4000,
    log: (l) => console.log(l),
  });
  console.log(formatReport(report));
  const missed = missedGoals(report, 10);
  if (report.sessions < 10_000 && minutes >= 30) missed.push(`only ${report.sessions} sessions (goal ≥ 10,000)`);
  for (const m of missed) console.log(`MISSED: ${m}`);
  process.exitCode = missed.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  });
}
