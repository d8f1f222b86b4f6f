// Keeps the core's index in step with file contents: open documents (by version) and files
// on disk (read at scan time or when a watcher reports them). Text is bounded before it
// reaches a front end, and a front end that throws (it should not) yields an empty summary
// rather than taking the server down.
import { promises as fs } from 'node:fs';
import type { FileSummary, FrontEndOptions, Language } from '../analysis/summary';
import type { WorkspaceAnalysis } from '../core/workspace-analysis';
import { languageOfPath } from './languages';

export type AnalyzeFile = (
  path: string,
  language: Language,
  text: string,
  options: FrontEndOptions & { honourNoqa: boolean },
) => FileSummary;

export interface Truncation {
  analysedChars: number;
  totalChars: number;
  /** 0-based line where analysis stopped. */
  line: number;
}

interface AnalysedState {
  /** Document version, or null for text read from disk. */
  version: number | null;
  truncation: Truncation | null;
}

/** Files above this are not read from disk at all (generated bundles, data dumps). */
const maxDiskBytes = 20 * 1024 * 1024;

export class AnalysedFiles {
  private readonly state = new Map<string, AnalysedState>();

  constructor(
    private readonly analysis: WorkspaceAnalysis,
    private readonly analyze: AnalyzeFile,
    private readonly maxChars: number,
    private readonly log: (message: string) => void,
    /** An open document's buffer is the truth: a disk read that finishes after it opened is dropped. */
    private readonly isOpen: (path: string) => boolean,
  ) {}

  isCurrent(path: string, version: number | null): boolean {
    const s = this.state.get(path);
    return s !== undefined && s.version === version && this.analysis.index.has(path);
  }

  truncation(path: string): Truncation | null {
    return this.state.get(path)?.truncation ?? null;
  }

  analyseText(path: string, text: string, version: number | null): void {
    const language = languageOfPath(path);
    if (language === null) return;
    const { bounded, truncation } = this.bound(text);
    let summary: FileSummary;
    try {
      const { moduleLevelIsLoop, honourNoqa } = this.analysis.settings;
      summary = this.analyze(path, language, bounded, { moduleLevelIsLoop, honourNoqa });
    } catch (error) {
      this.log(
        `front end failed on ${path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      summary = { path, language, functions: [], exports: {}, reexports: [], suppressions: [], parseErrors: 1 };
    }
    this.state.set(path, { version, truncation });
    this.analysis.update(summary);
  }

  /** Reads and analyses a file from disk; a missing or unreadable file is forgotten. */
  async analyseFromDisk(path: string): Promise<void> {
    try {
      const stat = await fs.stat(path);
      if (!stat.isFile() || stat.size > maxDiskBytes) {
        if (stat.size > maxDiskBytes)
          this.log(`skipped ${path}: ${stat.size} bytes is over the ${maxDiskBytes}-byte read limit`);
        this.forget(path);
        return;
      }
      const text = await fs.readFile(path, 'utf8');
      if (!this.isOpen(path)) this.analyseText(path, text, null);
    } catch {
      this.forget(path);
    }
  }

  forget(path: string): void {
    this.state.delete(path);
    this.analysis.remove(path);
  }

  paths(): string[] {
    return [...this.state.keys()];
  }

  /** Cuts text at the last line break before the limit so no line is analysed half-read. */
  private bound(text: string): { bounded: string; truncation: Truncation | null } {
    if (text.length <= this.maxChars) return { bounded: text, truncation: null };
    const cut = text.lastIndexOf('\n', this.maxChars);
    const bounded = text.slice(0, cut > 0 ? cut + 1 : this.maxChars);
    let line = 0;
    for (let i = bounded.indexOf('\n'); i !== -1; i = bounded.indexOf('\n', i + 1)) line++;
    return { bounded, truncation: { analysedChars: bounded.length, totalChars: text.length, line } };
  }
}
