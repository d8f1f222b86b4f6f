// One file's front-end run, as the main thread and the worker threads both do it: the text is
// bounded as the editor bounds it, and a front end that throws (it should not) yields an empty
// summary for that file rather than ending the check. The front end is passed in: the server's
// main thread has both linked in, a worker loads each one's bundle when it first needs it.
import type { FileSummary, Language } from '../analysis/summary';
import type { AnalyzerOptions } from '../lsp/front-ends';
import type { AnalyzeFn } from './front-end-bundles';

export interface AnalyseJob {
  path: string;
  language: Language;
  text: string;
  options: AnalyzerOptions;
}

export interface AnalyseOutcome {
  summary: FileSummary;
  /** The summary as JSON text, when a worker made it (the cache stores that text, so the main thread need not write it). */
  summaryText?: string;
  /** Set when the front end threw: the message, for the log. */
  error?: string;
}

/** The editor analyses this many characters of a file (server/main.ts); so does check. */
export const MAX_FILE_CHARS = 2_000_000;

export function boundText(text: string): string {
  if (text.length <= MAX_FILE_CHARS) return text;
  const cut = text.lastIndexOf('\n', MAX_FILE_CHARS);
  return text.slice(0, cut > 0 ? cut + 1 : MAX_FILE_CHARS);
}

export function runJob(analyze: AnalyzeFn, job: AnalyseJob): AnalyseOutcome {
  try {
    return { summary: analyze(job.path, job.language, boundText(job.text), job.options) };
  } catch (error) {
    return {
      summary: {
        path: job.path,
        language: job.language,
        functions: [],
        exports: {},
        reexports: [],
        suppressions: [],
        parseErrors: 1,
      },
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    };
  }
}
