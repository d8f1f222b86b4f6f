// The core's entry point: a workspace index plus the blocking closure, rebuilt lazily when
// the index or the suppression settings changed since it was last used.
import type { FileSummary } from '../analysis/summary';
import type { Rule } from '../rules/rule';
import type { ProjectLayout } from '../project/layout';
import { defaultDiagnosticsSettings, type DiagnosticsSettings } from '../../protocol/lsp-settings';
import { BlockingClosure } from './blocking-closure';
import { findingsForFile, type Finding } from './findings';
import { RuleBook } from './rule-book';
import { asTestSeverity, isTestFile } from './test-files';
import { WorkspaceIndex } from './workspace-index';

export class WorkspaceAnalysis {
  readonly index: WorkspaceIndex;
  readonly rules: RuleBook;
  settings: DiagnosticsSettings = defaultDiagnosticsSettings;
  private closure: { value: BlockingClosure; version: number; honourNoqa: boolean } | null = null;

  constructor(
    private readonly roots: readonly string[],
    catalogue: readonly Rule[],
  ) {
    this.index = new WorkspaceIndex(roots);
    this.rules = new RuleBook(catalogue);
  }

  /** Stores a file's summary (cheap: what depends on it is worked out only when asked). */
  update(summary: FileSummary): void {
    this.index.set(summary);
  }

  /** Where the project's modules live (tsconfig paths, workspaces, Python roots): see project/load-layout.ts. */
  setLayout(layout: ProjectLayout): void {
    this.index.setLayout(layout);
  }

  /** Forgets a file; ask dependentsOf first if its importers need re-diagnosing. */
  remove(path: string): void {
    this.index.delete(path);
  }

  /** The other files whose findings may change when `path` changes: its importers, transitively. */
  dependentsOf(path: string): Set<string> {
    return this.index.dependentsOf(path);
  }

  findings(path: string): Finding[] {
    const summary = this.index.get(path);
    if (summary === undefined) return [];
    const findings = findingsForFile(summary, this.currentClosure(), this.rules, this.settings);
    if (!this.settings.testFilesAsInformation || !isTestFile(path, this.roots)) return findings;
    return findings.map((f) => ({ ...f, severity: asTestSeverity(f.severity) }));
  }

  private currentClosure(): BlockingClosure {
    const version = this.index.version;
    const honourNoqa = this.settings.honourNoqa;
    if (this.closure === null || this.closure.version !== version || this.closure.honourNoqa !== honourNoqa) {
      this.closure = { value: new BlockingClosure(this.index, this.rules, honourNoqa), version, honourNoqa };
    }
    return this.closure.value;
  }
}
