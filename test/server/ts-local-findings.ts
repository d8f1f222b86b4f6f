// Test support for the TS/JS front-end tests: a same-file-only stand-in for the core's join,
// so fixture expectations can be written as findings. Loop-root functions report their direct
// catalogue hits, and calls to sync local helpers that block (any depth, cycle-safe) as
// ORJ100 with the chain. Suppressions apply as the core applies them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileSummary, FunctionSummary } from '../../server/analysis/summary';

export interface LocalFinding {
  line: number;
  code: string;
  /** 'entry → loadConfig() → readConfig() → fs.readFileSync' */
  chain: string;
}

export const fixtureDir = join(__dirname, '..', 'fixtures', 'ts');

export function readFixture(name: string): { path: string; text: string } {
  const path = join(fixtureDir, name);
  return { path, text: readFileSync(path, 'utf8') };
}

/** The chain from `fn` to a blocking API through sync local helpers, or undefined. */
function blockingChain(summary: FileSummary, fn: FunctionSummary, seen: Set<string>): string[] | undefined {
  if (fn.isAsync || seen.has(fn.id)) return undefined;
  seen.add(fn.id);
  for (const site of fn.calls) {
    if (site.callee.kind === 'blocking') return [site.callee.api];
    if (site.callee.kind !== 'local') continue;
    const calleeId = site.callee.functionId;
    const next = summary.functions.find((f) => f.id === calleeId);
    const rest = next === undefined ? undefined : blockingChain(summary, next, seen);
    if (next !== undefined && rest !== undefined) return [`${next.name}()`, ...rest];
  }
  return undefined;
}

function suppressed(summary: FileSummary, line: number, code: string): boolean {
  return summary.suppressions.some((s) => s.line === line && (s.codes.length === 0 || s.codes.includes(code)));
}

export function localFindings(summary: FileSummary): LocalFinding[] {
  const out: LocalFinding[] = [];
  for (const fn of summary.functions) {
    if (fn.loopRoot === null) continue;
    for (const site of fn.calls) {
      const line = site.range.start.line;
      let finding: LocalFinding | undefined;
      if (site.callee.kind === 'blocking')
        finding = { line, code: site.callee.code, chain: `${fn.name} → ${site.callee.api}` };
      else if (site.callee.kind === 'local') {
        const calleeId = site.callee.functionId;
        const target = summary.functions.find((f) => f.id === calleeId);
        const chain = target === undefined ? undefined : blockingChain(summary, target, new Set());
        if (target !== undefined && chain !== undefined)
          finding = { line, code: 'ORJ100', chain: [fn.name, `${target.name}()`, ...chain].join(' → ') };
      }
      if (finding !== undefined && !suppressed(summary, line, finding.code)) out.push(finding);
    }
  }
  return out.sort((a, b) => a.line - b.line || a.code.localeCompare(b.code));
}

/** `// expect: ORJ101, ORJ103` on a line (0-based line numbers, like the summary). */
export function expectedFindings(text: string, marker = 'expect'): { line: number; code: string }[] {
  const out: { line: number; code: string }[] = [];
  const pattern = new RegExp(`// ${marker}: (.*)$`);
  text.split('\n').forEach((lineText, line) => {
    const match = pattern.exec(lineText);
    for (const code of match?.[1]?.split(',').map((c) => c.trim()) ?? []) out.push({ line, code });
  });
  return out.sort((a, b) => a.line - b.line || a.code.localeCompare(b.code));
}
