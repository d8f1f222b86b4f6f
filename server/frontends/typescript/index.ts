// The TypeScript/JavaScript front end: one file's text in, its FileSummary out. Parsing uses
// the TypeScript compiler API without a type checker (per file, fast, tolerant of errors).
import ts = require('typescript');
import type { FileSummary, FrontEndOptions } from '../../analysis/summary';
import { changedSpan, type Parsed, ReparseCache } from '../reparse-cache';
import { FileAnalyzer } from './analyzer';
import { languageFor, scriptKindFor } from './source-text';
import type { StatementMemo } from './statement-memo';

export { memoStats } from './statement-memo';

/** The last parse per file, so an edit re-parses only what it touched (the compiler's incremental
 * parser), with the statement memo of its last analysis. */
interface LastAnalysis {
  file: ts.SourceFile;
  memo: StatementMemo | null;
}
const sources = new ReparseCache<LastAnalysis>(32);

function parse(
  previous: Parsed<LastAnalysis> | undefined,
  path: string,
  text: string,
  kind: ts.ScriptKind,
): ts.SourceFile {
  if (previous?.text === text) return previous.value.file;
  if (previous !== undefined) {
    const { start, oldEnd, newEnd } = changedSpan(previous.text, text);
    try {
      // The old tree is consumed: updateSourceFile reuses its unchanged nodes.
      return ts.updateSourceFile(previous.value.file, text, {
        span: { start, length: oldEnd - start },
        newLength: newEnd - start,
      });
    } catch {
      // The incremental parser fails asserts on some broken texts that a fresh parse takes
      // (seen in TypeScript 5.9.3: "Expected 613 <= 602" in adjustIntersectingElement).
    }
  }
  return ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, kind);
}

/**
 * The analysis without the safety net; tests use it so a bug cannot hide behind the fallback.
 * A file analysed once keeps no statement records (the workspace scan); one analysed again is
 * being edited, and keeps them for the next edit.
 */
export function analyzeTypeScriptStrict(path: string, text: string, options: FrontEndOptions): FileSummary {
  const kind = scriptKindFor(path);
  const previous = sources.take(path);
  const file = parse(previous, path, text, kind);
  const analyzer = new FileAnalyzer(file, options, previous === undefined ? null : { previous: previous.value.memo });
  const summary = analyzer.analyze(path, languageFor(kind));
  sources.put(path, text, { file, memo: analyzer.nextMemo() });
  return summary;
}

export function analyzeTypeScript(path: string, text: string, options: FrontEndOptions): FileSummary {
  try {
    return analyzeTypeScriptStrict(path, text, options);
  } catch {
    // Front ends never throw. The parser and the walk recurse, so pathological nesting (tens of
    // thousands of levels) can overflow the stack; such a file yields an empty summary.
    return {
      path,
      language: languageFor(scriptKindFor(path)),
      functions: [],
      exports: {},
      reexports: [],
      suppressions: [],
      parseErrors: 1,
    };
  }
}
