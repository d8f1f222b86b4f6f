// The three tools under test, each run over the same corpus files in-process:
// this server's front ends + core, ruff's ASYNC rules (ruff-wasm), eslint + n/no-sync.
import { PositionEncoding, Workspace } from '@astral-sh/ruff-wasm-nodejs';
import { Linter } from 'eslint';
import type { FileSummary } from '../../server/analysis/summary';
import { WorkspaceAnalysis } from '../../server/core/workspace-analysis';
import { pythonParser } from '../../server/frontends/python/parser';
import { analyzeFile, catalogue } from '../../server/lsp/front-ends';
import type { CorpusFile } from './corpus';

/** A tool's report: 0-based line per finding, keyed by file. */
export type Findings = Map<string, number[]>;
export interface ToolRun {
  findings: Findings;
  ms: number;
  /** Process CPU time (all threads, GC helpers included): steadier than wall time when other
   *  work shares the cores, since waiting for a core is not counted. */
  cpuMs: number;
}

const cpuMsNow = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Runs `work`, timing it by the wall clock and by CPU. */
export function timed(work: () => Findings): ToolRun {
  const started = performance.now();
  const cpuStarted = cpuMsNow();
  const findings = work();
  return { findings, ms: performance.now() - started, cpuMs: cpuMsNow() - cpuStarted };
}

function record(findings: Findings, file: string, line: number): void {
  const list = findings.get(file);
  if (list === undefined) findings.set(file, [line]);
  else list.push(line);
}

/** Every file through its front end into one workspace, then every file's findings (cross-file chains included). */
export function runOurs(files: readonly CorpusFile[]): ToolRun {
  return timed(() => {
    const analysis = new WorkspaceAnalysis([], catalogue);
    for (const f of files) {
      const language = f.path.endsWith('.py') ? 'python' : 'typescript';
      const summary: FileSummary = analyzeFile(f.path, language, f.text, {
        moduleLevelIsLoop: false,
        honourNoqa: true,
      });
      analysis.update(summary);
    }
    const findings: Findings = new Map();
    for (const f of files)
      for (const finding of analysis.findings(f.path)) record(findings, f.path, finding.range.start.line);
    return findings;
  });
}

/** Every file parsed with tree-sitter and nothing else (fresh trees, no reuse); no findings. */
export function parseOnly(files: readonly CorpusFile[]): ToolRun {
  const parser = pythonParser();
  return timed(() => {
    for (const f of files) parser.parse(f.text)?.delete();
    return new Map();
  });
}

export function runRuff(files: readonly CorpusFile[]): ToolRun {
  return timed(() => {
    const workspace = new Workspace({ lint: { select: ['ASYNC'] } }, PositionEncoding.Utf16);
    const findings: Findings = new Map();
    for (const f of files) {
      // ruff-wasm's check() is typed `any` upstream; it returns its Diagnostic[] (1-based rows).
      const diagnostics = workspace.check(f.text) as { start_location: { row: number } }[];
      for (const d of diagnostics) record(findings, f.path, d.start_location.row - 1);
    }
    workspace.free();
    return findings;
  });
}

export async function eslintRunner(): Promise<(files: readonly CorpusFile[]) => ToolRun> {
  const pluginN = (await import('eslint-plugin-n')).default;
  const config: Linter.Config[] = [
    {
      files: ['**/*.ts'],
      plugins: { n: pluginN as unknown as NonNullable<Linter.Config['plugins']>[string] },
      rules: { 'n/no-sync': 'error' },
      languageOptions: { ecmaVersion: 'latest', sourceType: 'module' },
    },
  ];
  return (files) =>
    timed(() => {
      const linter = new Linter();
      const findings: Findings = new Map();
      for (const f of files) {
        // Relative name: flat config `files` patterns match against the working directory.
        for (const m of linter.verify(f.text, config, { filename: f.path.replace(/^\//, '') })) {
          if (m.ruleId === 'n/no-sync') record(findings, f.path, m.line - 1);
          else if (m.ruleId === null) throw new Error(`eslint did not lint ${f.path}: ${m.message}`);
        }
      }
      return findings;
    });
}
