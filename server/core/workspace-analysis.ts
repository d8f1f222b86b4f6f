// The core's entry point: a workspace index plus the blocking closure, rebuilt lazily when
// the index or the suppression settings changed since it was last used.
import type { FileSummary } from '../analysis/summary';
import type { Rule } from '../rules/rule';
import { defaultDiagnosticsSettings, type DiagnosticsSettings } from '../../protocol/lsp-settings';
import { BlockingClosure } from './blocking-closure';
import { findingsForFile, type Finding } from './findings';
import { RuleBook } from './rule-book';
import { WorkspaceIndex } from './workspace-index';

export class WorkspaceAnalysis {
  readonly index: WorkspaceIndex;
  readonly rules: RuleBook;
  settings: DiagnosticsSettings = defaultDiagnosticsSettings;
  private closure: { value: BlockingClosure; version: number; honourNoqa: boolean } | null = null;

  constructor(roots: readonly string[], catalogue: readonly Rule[]) {
    this.index = new WorkspaceIndex(roots);
    this.rules = new RuleBook(catalogue);
  }

  /** Stores a file's summary and returns the other files whose findings may have changed. */
  update(summary: FileSummary): Set<string> {
    this.index.set(summary);
    return this.index.dependentsOf(summary.path);
  }

  /** Forgets a file and returns the files that imported it. */
  remove(path: string): Set<string> {
    const dependents = this.index.dependentsOf(path);
    this.index.delete(path);
    return dependents;
  }

  findings(path: string): Finding[] {
    const summary = this.index.get(path);
    if (summary === undefined) return [];
    return findingsForFile(summary, this.currentClosure(), this.rules, this.settings);
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
