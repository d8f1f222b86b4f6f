// Shared helpers for attribution tests and the bench: bundle a fixture the way the runtime
// bundles agents (esbuild, CJS, inline source map), find marked lines, wait for reports.
import { build } from 'esbuild';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlockReport } from '../../runtime/attribution/block-matcher';
import type { LoopAttribution } from '../../runtime/attribution/loop-attribution';

export const FIXTURES = join(__dirname, '..', 'fixtures', 'attribution');

export async function bundleAgent(entry: string): Promise<string> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'openrtc-attr-')), 'agent.js');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    sourcemap: 'inline',
    logLevel: 'error',
  });
  return outfile;
}

/** 1-based line of the marker comment in a fixture. */
export function lineOf(file: string, marker: string): number {
  const idx = readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(marker));
  if (idx < 0) throw new Error(`marker ${marker} not in ${file}`);
  return idx + 1;
}

export function collectReports(engine: LoopAttribution): { reports: BlockReport[]; stop: () => void } {
  const reports: BlockReport[] = [];
  const stop = engine.onBlock((r) => reports.push(r));
  return { reports, stop };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The fixtures burn a given CPU time. On a quiet host the loop is held that long (the heartbeat
 * measures it within one beat); a contended host stretches it, so the upper side is generous.
 * The lower side also allows for the process's other threads adding to the CPU clock.
 */
export function assertBlockedMs(measured: number, expected: number): void {
  const min = expected * 0.85 - 8;
  const max = expected * 4 + 200;
  if (measured < min || measured > max) {
    throw new Error(`blocked_ms ${measured} is not within [${min}, ${max}] for a block of ${expected} ms of CPU`);
  }
}
