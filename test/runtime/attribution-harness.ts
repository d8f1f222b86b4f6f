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
  await build({ entryPoints: [entry], outfile, bundle: true, format: 'cjs', platform: 'node', sourcemap: 'inline', logLevel: 'error' });
  return outfile;
}

/** 1-based line of the marker comment in a fixture. */
export function lineOf(file: string, marker: string): number {
  const idx = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(marker));
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
 * The heartbeat measures a block to within one heartbeat period below (5 ms at a 50 ms
 * threshold); above, a contended host can stretch it, so that side is generous.
 */
export function assertBlockedMs(measured: number, expected: number): void {
  const max = expected * 1.5 + 100;
  if (measured < expected - 8 || measured > max) {
    throw new Error(`blocked_ms ${measured} is not within [${expected - 8}, ${max}] of a ${expected} ms block`);
  }
}
