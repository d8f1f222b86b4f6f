// Edit latency through the real server: open a file of `lines` lines, then repeatedly
// change one line (an incremental change, as a keystroke) and pull diagnostics as VS Code
// does (with the last resultId); the time from sending the change to receiving the report.
// Three kinds of edit: a comment line (the findings stay as they were, so the answer is
// Unchanged), a code line in an async function that switches between a blocking call and
// its async form (a finding comes and goes, so every answer is a full report), and a line
// break typed and deleted near the top (every line below moves: the findings move with them).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Range } from 'vscode-languageserver-protocol';
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

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;

export type EditKind = 'comment' | 'code' | 'newline';

/** The edit number `i` makes: the range it replaces and the text it writes there. */
type Edits = (i: number) => { range: Range; text: string };

function lineEdits(line: number, variants: (i: number) => string, firstLength: number): Edits {
  let length = firstLength;
  return (i) => {
    const text = variants(i);
    const range = { start: { line, character: 0 }, end: { line, character: length } };
    length = text.length;
    return { range, text };
  };
}

/** The edits of one kind, in turn; the line they make is found in the file. */
function editsOf(language: 'python' | 'typescript', kind: EditKind, text: string): Edits {
  const all = text.split('\n');
  const comment = language === 'python' ? '#' : '//';
  const at = (line: number): number => {
    if (line === -1) throw new Error(`no ${kind} line to edit`);
    return line;
  };
  if (kind === 'newline') {
    // Enter at the start of the first comment line, then Backspace.
    const line = at(all.findIndex((l) => l.startsWith(`${comment} step`)));
    return (i) =>
      i % 2 === 0
        ? { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: '\n' }
        : { range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, text: '' };
  }
  if (kind === 'comment') {
    const line = at(all.findIndex((l) => l.startsWith(`${comment} step`)));
    return lineEdits(line, (i) => `${comment} step ${i}: normalise the caller's turn`, all[line]!.length);
  }
  if (language === 'python') {
    const line = at(all.indexOf('    time.sleep(0.2)'));
    return lineEdits(
      line,
      (i) => (i % 2 === 0 ? '    await asyncio.sleep(0.2)' : '    time.sleep(0.2)'),
      all[line]!.length,
    );
  }
  const blocking = "  const prompt = readFileSync('prompt.txt', 'utf8');";
  const line = at(all.indexOf(blocking));
  return lineEdits(
    line,
    (i) => (i % 2 === 0 ? "  const prompt = await readFile('prompt.txt', 'utf8');" : blocking),
    blocking.length,
  );
}

export async function editLatency(
  language: 'python' | 'typescript',
  lines: number,
  edits: number,
  kind: EditKind,
): Promise<Latency> {
  const root = mkdtempSync(path.join(tmpdir(), 'openrtc-bench-edit-'));
  const client = await TestClient.start({ root });
  try {
    const file = path.join(root, language === 'python' ? 'big.py' : 'big.ts');
    const text = fileOfLines(language, lines);
    const editNumber = editsOf(language, kind, text);
    await client.open(file, text, language);
    let diagnostics = (await client.pull(file)).length;
    const times: number[] = [];
    const cpuTimes: number[] = [];
    let unchangedBefore = 0;
    for (let i = 0; i < edits + 10; i++) {
      const { range, text: newText } = editNumber(i);
      const started = performance.now();
      const cpuStarted = client.serverMainThreadCpuMs();
      await client.replaceRange(file, range, newText);
      diagnostics = (await client.pull(file)).length;
      if (i === 9) unchangedBefore = client.unchangedReports;
      if (i >= 10) {
        times.push(performance.now() - started);
        cpuTimes.push(client.serverMainThreadCpuMs() - cpuStarted);
      }
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
