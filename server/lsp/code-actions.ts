// Code actions for a document's findings: the front ends' fix suggestions as quick fixes
// (the mechanical rewrite marked preferred), a suppression comment for the finding's code,
// and a link to the rule's docs page.
import { CodeActionKind, type CodeAction, type Range, type TextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Language } from '../analysis/summary';
import { docsUrl } from '../rules/rule';
import type { Finding } from '../core/findings';
import { toDiagnostic } from './diagnostics';

const overlaps = (a: Range, b: Range): boolean =>
  !(
    a.end.line < b.start.line ||
    (a.end.line === b.start.line && a.end.character < b.start.character) ||
    b.end.line < a.start.line ||
    (b.end.line === a.start.line && b.end.character < a.start.character)
  );

function lineText(doc: TextDocument, line: number): string {
  return doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '');
}

const tsIgnore = /^(\s*)\/\/\s*openrtc-ignore-next-line\b(.*)$/;
const pyIgnore = /#\s*openrtc:\s*ignore\[([^\]]*)\]/;

/** The edit that silences `code` on `line`, extending an existing suppression comment when there is one. */
export function suppressionEdit(doc: TextDocument, language: Language, line: number, code: string): TextEdit {
  const text = lineText(doc, line);
  if (language === 'python') {
    const existing = pyIgnore.exec(text);
    if (existing !== null) {
      const at = existing.index + existing[0].length - 1;
      return { range: { start: { line, character: at }, end: { line, character: at } }, newText: `, ${code}` };
    }
    const end = text.length;
    return {
      range: { start: { line, character: end }, end: { line, character: end } },
      newText: `  # openrtc: ignore[${code}]`,
    };
  }
  const previous = line > 0 ? tsIgnore.exec(lineText(doc, line - 1)) : null;
  if (previous !== null && (previous[2] ?? '').trim() !== '') {
    const end = lineText(doc, line - 1).length;
    return {
      range: { start: { line: line - 1, character: end }, end: { line: line - 1, character: end } },
      newText: `, ${code}`,
    };
  }
  const indent = /^\s*/.exec(text)?.[0] ?? '';
  const start = { line, character: 0 };
  return { range: { start, end: start }, newText: `${indent}// openrtc-ignore-next-line ${code}\n` };
}

export function codeActionsFor(
  doc: TextDocument,
  language: Language,
  findings: readonly Finding[],
  requested: Range,
  only: readonly string[] | undefined,
): CodeAction[] {
  const wantsQuickFix = only === undefined || only.some((k) => CodeActionKind.QuickFix.startsWith(k));
  if (!wantsQuickFix) return [];
  const actions: CodeAction[] = [];
  for (const finding of findings) {
    if (!overlaps(finding.range, requested)) continue;
    const diagnostic = toDiagnostic(finding);
    for (const fix of finding.fixes) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: fix.preferred,
        edit: { changes: { [doc.uri]: fix.edits } },
      });
    }
    actions.push({
      title: `Ignore ${finding.code} on this line`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      edit: { changes: { [doc.uri]: [suppressionEdit(doc, language, finding.range.start.line, finding.code)] } },
    });
    actions.push({
      title: `Show documentation for ${finding.code}`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      command: {
        title: `Show documentation for ${finding.code}`,
        command: 'vscode.open',
        arguments: [docsUrl(finding.code)],
      },
    });
  }
  return actions;
}
