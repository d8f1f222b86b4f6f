// Edit latency through the real server: open a file of `lines` lines, then repeatedly
// change one line (an incremental change, as a keystroke) and pull diagnostics as VS Code
// does (with the last resultId); the time from sending the change to receiving the report.
// Two kinds of edit: a comment line (the findings stay as they were, so the answer is
// Unchanged) and a code line in an async function that switches between a blocking call and
// its async form (a finding comes and goes, so every answer is a full report).
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
  /** Measured pulls the server answered Unchanged. */
  unchanged: number;
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;

export type EditKind = 'comment' | 'code';

/** The line the edits rewrite, and what they write there in turn. */
function editedLine(language: 'python' | 'typescript', kind: EditKind, text: string): { line: number; variants: (i: number) => string } {
  const all = text.split('\n');
  const comment = language === 'python' ? '#' : '//';
  if (kind === 'comment') {
    return { line: all.findIndex((l) => l.startsWith(`${comment} step`)), variants: (i) => `${comment} step ${i}: normalise the caller's turn` };
  }
  if (language === 'python') {
    return { line: all.indexOf('    time.sleep(0.2)'), variants: (i) => (i % 2 === 0 ? '    await asyncio.sleep(0.2)' : '    time.sleep(0.2)') };
  }
  const blocking = "  const prompt = readFileSync('prompt.txt', 'utf8');";
  return { line: all.indexOf(blocking), variants: (i) => (i % 2 === 0 ? "  const prompt = await readFile('prompt.txt', 'utf8');" : blocking) };
}

export async function editLatency(language: 'python' | 'typescript', lines: number, edits: number, kind: EditKind): Promise<Latency> {
  const root = mkdtempSync(path.join(tmpdir(), 'openrtc-bench-edit-'));
  const client = await TestClient.start({ root });
  try {
    const file = path.join(root, language === 'python' ? 'big.py' : 'big.ts');
    const text = fileOfLines(language, lines);
    const { line: editable, variants } = editedLine(language, kind, text);
    if (editable === -1) throw new Error(`no ${kind} line to edit`);
    await client.open(file, text, language);
    let diagnostics = (await client.pull(file)).length;
    const times: number[] = [];
    const cpuTimes: number[] = [];
    let oldLength = text.split('\n')[editable]!.length;
    let unchangedBefore = 0;
    for (let i = 0; i < edits + 10; i++) {
      const newLine = variants(i);
      const started = performance.now();
      const cpuStarted = client.serverMainThreadCpuMs();
      await client.replaceLine(file, editable, oldLength, newLine);
      diagnostics = (await client.pull(file)).length;
      if (i === 9) unchangedBefore = client.unchangedReports;
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
      unchanged: client.unchangedReports - unchangedBefore,
    };
  } finally {
    await client.stop();
    rmSync(root, { recursive: true, force: true });
  }
}
