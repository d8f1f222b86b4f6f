// `// openrtc-ignore-next-line ORJ101, ORJ102` suppresses findings on the next line;
// `// openrtc-ignore-line ORJ101` (usually trailing) on its own line. No codes = all codes.
// Only real line comments count (not the same text inside a string or template): each
// candidate is checked against the comment trivia of the token that follows it.
// A directive whose codes are all malformed suppresses nothing (a typo must not widen it).
import ts = require('typescript');
import type { Suppression } from '../../analysis/summary';

const marker = 'openrtc-ignore-';
const directive = /^\/\/\s*openrtc-ignore-(next-line|line)\b(.*)$/;
const codePattern = /^OR[A-Z]\d{3}$/;

function parseCodes(rest: string): string[] | undefined {
  // Text after ` -- ` is a free-form reason, as in eslint directives.
  const list = rest.split(/\s--\s/)[0] ?? '';
  const tokens = list.split(/[\s,]+/).filter((token) => token.length > 0);
  const codes = tokens.filter((token) => codePattern.test(token));
  return tokens.length > 0 && codes.length === 0 ? undefined : codes;
}

/** The deepest token whose full extent (leading trivia included) holds `position`. */
function tokenAround(file: ts.SourceFile, position: number): ts.Node {
  let node: ts.Node = file;
  for (;;) {
    const child: ts.Node | undefined = node.getChildren(file).find((c) => c.pos <= position && position < c.end);
    if (child === undefined) return node;
    node = child;
  }
}

/** The `//` comment containing `position`, or undefined when it is code, a string or a block comment. */
function lineCommentAt(file: ts.SourceFile, position: number): ts.CommentRange | undefined {
  const token = tokenAround(file, position);
  const ranges = [
    ...(ts.getLeadingCommentRanges(file.text, token.pos) ?? []),
    ...(ts.getTrailingCommentRanges(file.text, token.pos) ?? []),
  ];
  return ranges.find((r) => r.kind === ts.SyntaxKind.SingleLineCommentTrivia && r.pos <= position && position < r.end);
}

export function findSuppressions(file: ts.SourceFile): Suppression[] {
  const text = file.text;
  const out: Suppression[] = [];
  for (let at = text.indexOf(marker); at !== -1; at = text.indexOf(marker, at + marker.length)) {
    const comment = lineCommentAt(file, at);
    if (comment === undefined) continue;
    const match = directive.exec(text.slice(comment.pos, comment.end));
    if (match === null) continue;
    const codes = parseCodes(match[2] ?? '');
    if (codes === undefined) continue;
    const line = file.getLineAndCharacterOfPosition(comment.pos).line;
    out.push({ line: match[1] === 'next-line' ? line + 1 : line, codes });
  }
  return out;
}
