// The TypeScript/JavaScript front end: one file's text in, its FileSummary out. Parsing uses
// the TypeScript compiler API without a type checker (per file, fast, tolerant of errors).
import ts = require('typescript');
import type { FileSummary, FrontEndOptions } from '../../analysis/summary';
import { changedSpan, ReparseCache } from '../reparse-cache';
import { FileAnalyzer } from './analyzer';
import { languageFor, scriptKindFor } from './source-text';

/** The last parse per file, so an edit re-parses only what it touched (the compiler's incremental parser). */
const sources = new ReparseCache<ts.SourceFile>(32);

function parse(path: string, text: string, kind: ts.ScriptKind): ts.SourceFile {
  const previous = sources.take(path);
  let file: ts.SourceFile;
  if (previous?.text === text) {
    file = previous.value;
  } else if (previous !== undefined) {
    const { start, oldEnd, newEnd } = changedSpan(previous.text, text);
    // The old tree is consumed: updateSourceFile reuses its unchanged nodes.
    file = ts.updateSourceFile(previous.value, text, { span: { start, length: oldEnd - start }, newLength: newEnd - start });
  } else {
    file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, kind);
  }
  sources.put(path, text, file);
  return file;
}

/** The analysis without the safety net; tests use it so a bug cannot hide behind the fallback. */
export function analyzeTypeScriptStrict(path: string, text: string, options: FrontEndOptions): FileSummary {
  const kind = scriptKindFor(path);
  return new FileAnalyzer(parse(path, text, kind), options).analyze(path, languageFor(kind));
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
