// The TypeScript/JavaScript front end: one file's text in, its FileSummary out. Parsing uses
// the TypeScript compiler API without a type checker (per file, fast, tolerant of errors).
import ts = require('typescript');
import type { FileSummary, FrontEndOptions } from '../../analysis/summary';
import { FileAnalyzer } from './analyzer';
import { languageFor, scriptKindFor } from './source-text';

/** The analysis without the safety net; tests use it so a bug cannot hide behind the fallback. */
export function analyzeTypeScriptStrict(path: string, text: string, options: FrontEndOptions): FileSummary {
  const kind = scriptKindFor(path);
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, kind);
  return new FileAnalyzer(file, options).analyze(path, languageFor(kind));
}

export function analyzeTypeScript(path: string, text: string, options: FrontEndOptions): FileSummary {
  try {
    return analyzeTypeScriptStrict(path, text, options);
  } catch {
    // Front ends never throw. The parser and the walk recurse, so pathological nesting (tens of
    // thousands of levels) can overflow the stack; such a file yields an empty summary.
    return { path, language: languageFor(scriptKindFor(path)), functions: [], exports: {}, suppressions: [], parseErrors: 1 };
  }
}
