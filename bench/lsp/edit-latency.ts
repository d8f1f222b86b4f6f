// Edit latency through the real server: open a file of `lines` lines, then repeatedly
// change one comment line (an incremental change, as a keystroke) and pull diagnostics;
// the time from sending the change to receiving the report.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { TestClient } from '../../test/server/lsp-client';
import { fileOfLines } from './corpus';

export interface Latency {
  p50: number;
  p95: number;
  max: number;
  /** The server main thread's CPU time per edit: what the edit costs on an idle core. */
  cpuP50: number;
  cpuP95: number;
  diagnostics: number;
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;

export async function editLatency(language: 'python' | 'typescript', lines: number, edits: number): Promise<Latency> {
  const root = mkdtempSync(path.join(tmpdir(), 'openrtc-bench-edit-'));
  const client = await TestClient.start({ root });
  try {
    const file = path.join(root, language === 'python' ? 'big.py' : 'big.ts');
    const text = fileOfLines(language, lines);
    const comment = language === 'python' ? '#' : '//';
    const editable = text.split('\n').findIndex((l) => l.startsWith(`${comment} step`));
    if (editable === -1) throw new Error('no comment line to edit');
    await client.open(file, text, language);
    let diagnostics = (await client.pull(file)).length;
    const times: number[] = [];
    const cpuTimes: number[] = [];
    let oldLength = text.split('\n')[editable]!.length;
    for (let i = 0; i < edits + 10; i++) {
      const newLine = `${comment} step ${i}: normalise the caller's turn`;
      const started = performance.now();
      const cpuStarted = client.serverMainThreadCpuMs();
      await client.replaceLine(file, editable, oldLength, newLine);
      diagnostics = (await client.pull(file)).length;
      if (i >= 10) {
        times.push(performance.now() - started);
        cpuTimes.push(client.serverMainThreadCpuMs() - cpuStarted);
      }
      oldLength = newLine.length;
    }
    times.sort((a, b) => a - b);
    cpuTimes.sort((a, b) => a - b);
    return {
      p50: percentile(times, 0.5),
      p95: percentile(times, 0.95),
      max: times[times.length - 1] ?? NaN,
      cpuP50: percentile(cpuTimes, 0.5),
      cpuP95: percentile(cpuTimes, 0.95),
      diagnostics,
    };
  } finally {
    await client.stop();
    rmSync(root, { recursive: true, force: true });
  }
}
