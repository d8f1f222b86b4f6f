// Module resolution for `import` callees, against the set of files the workspace index
// holds (never the disk: the index is the source of truth, so resolution is pure and an
// unsaved new file resolves like a saved one). Package imports resolve to nothing: they are
// not workspace code, and the front ends' catalogues already cover the libraries we know.
import * as path from 'node:path';
import type { Language } from '../analysis/summary';

/** Answers "is this absolute path a file in the workspace index?" */
export type FileExists = (absolutePath: string) => boolean;

const scriptExtensions = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
/** A `.js`-family specifier written for ESM output may point at the TypeScript source. */
const emittedToSource: Record<string, string[]> = {
  '.js': ['.ts', '.tsx'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
};

/** TS/JS: relative or absolute specifiers only; extensionless, `/index.*`, and `.js` → `.ts`. */
export function resolveScriptModule(fromFile: string, specifier: string, exists: FileExists): string | null {
  if (!(specifier.startsWith('.') || path.isAbsolute(specifier))) return null;
  const base = path.resolve(path.dirname(fromFile), specifier);
  const ext = path.extname(base);
  const candidates: string[] = [];
  if (scriptExtensions.includes(ext)) {
    candidates.push(base);
    const stem = base.slice(0, -ext.length);
    for (const alt of emittedToSource[ext] ?? []) candidates.push(stem + alt);
  }
  for (const e of scriptExtensions) candidates.push(base + e);
  for (const e of scriptExtensions) candidates.push(path.join(base, 'index' + e));
  return candidates.find(exists) ?? null;
}

/**
 * Python: `.helpers` / `..pkg.mod` relative to the importing file's package; `pkg.helpers`
 * and `helpers` relative to the file's folder first, then to each workspace root.
 */
export function resolvePythonModule(
  fromFile: string,
  moduleName: string,
  roots: readonly string[],
  exists: FileExists,
): string | null {
  const dots = /^\.*/.exec(moduleName)?.[0].length ?? 0;
  const rest = moduleName.slice(dots);
  if (rest !== '' && !/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/.test(rest)) return null;
  const parts = rest === '' ? [] : rest.split('.');
  const bases: string[] = [];
  if (dots > 0) {
    let dir = path.dirname(fromFile);
    for (let i = 1; i < dots; i++) dir = path.dirname(dir);
    bases.push(dir);
  } else {
    bases.push(path.dirname(fromFile), ...roots);
  }
  for (const dir of bases) {
    const target = path.join(dir, ...parts);
    const found = [target + '.py', path.join(target, '__init__.py')].find(exists);
    if (found !== undefined && (parts.length > 0 || found.endsWith('__init__.py'))) return found;
  }
  return null;
}

export function resolveModule(
  language: Language,
  fromFile: string,
  specifier: string,
  roots: readonly string[],
  exists: FileExists,
): string | null {
  return language === 'python'
    ? resolvePythonModule(fromFile, specifier, roots, exists)
    : resolveScriptModule(fromFile, specifier, exists);
}
