// Positions, file kinds, module names and small syntax helpers every other part needs.
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import ts = require('typescript');
import type { Language, SourceRange } from '../../analysis/summary';

const scriptKinds: ReadonlyMap<string, ts.ScriptKind> = new Map([
  ['.ts', ts.ScriptKind.TS],
  ['.mts', ts.ScriptKind.TS],
  ['.cts', ts.ScriptKind.TS],
  ['.tsx', ts.ScriptKind.TSX],
  ['.js', ts.ScriptKind.JS],
  ['.mjs', ts.ScriptKind.JS],
  ['.cjs', ts.ScriptKind.JS],
  ['.jsx', ts.ScriptKind.JSX],
]);

/** The parser mode for a file name; unknown extensions parse as TypeScript (a superset). */
export function scriptKindFor(filePath: string): ts.ScriptKind {
  return scriptKinds.get(path.extname(filePath).toLowerCase()) ?? ts.ScriptKind.TS;
}

export function languageFor(kind: ts.ScriptKind): Language {
  return kind === ts.ScriptKind.JS || kind === ts.ScriptKind.JSX ? 'javascript' : 'typescript';
}

export function rangeOf(file: ts.SourceFile, start: number, end: number): SourceRange {
  const s = file.getLineAndCharacterOfPosition(start);
  const e = file.getLineAndCharacterOfPosition(end);
  return { start: { line: s.line, character: s.character }, end: { line: e.line, character: e.character } };
}

export function nodeRange(file: ts.SourceFile, node: ts.Node): SourceRange {
  return rangeOf(file, node.getStart(file), node.getEnd());
}

const builtins = new Set(builtinModules);

/** 'node:fs' → 'fs'; other specifiers unchanged. */
export function canonicalModule(specifier: string): string {
  return specifier.startsWith('node:') ? specifier.slice('node:'.length) : specifier;
}

export function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtins.has(specifier);
}

/** Packages that re-export `fs` with extras; their sync calls are catalogued like Node's own. */
const fsDropIns = new Set(['fs-extra', 'graceful-fs']);

/**
 * Node's own modules and the fs drop-ins are named by API ('fs.readFileSync',
 * 'fs-extra.copySync'); everything else is an import for the core to resolve.
 */
export function isNamedByApi(specifier: string): boolean {
  return isNodeBuiltin(specifier) || fsDropIns.has(specifier);
}

/** The string of a string literal or a template without substitutions, else undefined. */
export function literalText(node: ts.Node | undefined): string | undefined {
  return node !== undefined && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
    ? node.text
    : undefined;
}

export function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);
}

/** Looks through `(x)`, `x!`, `x as T`, `x satisfies T`: none changes what is called. */
export function unwrapExpression(node: ts.Expression): ts.Expression {
  let current = node;
  // Kind checks, not ts.isX calls: this runs several times per call expression.
  while (wrapperKinds.has(current.kind)) current = (current as ts.ParenthesizedExpression).expression;
  return current;
}
const wrapperKinds: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.ParenthesizedExpression,
  ts.SyntaxKind.NonNullExpression,
  ts.SyntaxKind.AsExpression,
  ts.SyntaxKind.SatisfiesExpression,
]);

export function isFunctionValue(node: ts.Node): node is ts.ArrowFunction | ts.FunctionExpression {
  return ts.isArrowFunction(node) || ts.isFunctionExpression(node);
}

export function parseErrorCount(file: ts.SourceFile): number {
  // `parseDiagnostics` is internal to the compiler API but has been stable for years; the
  // public alternative (a Program) would re-parse the file. Guarded: absent means zero.
  const diagnostics = (file as unknown as { parseDiagnostics?: unknown }).parseDiagnostics;
  return Array.isArray(diagnostics) ? diagnostics.length : 0;
}
