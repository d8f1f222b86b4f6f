// Module resolution for `import` callees, against the set of files the workspace index
// holds (never the disk: the index is the source of truth, so resolution is pure and an
// unsaved new file resolves like a saved one). Package imports resolve to nothing: they are
// not workspace code, and the front ends' catalogues already cover the libraries we know.
import * as path from 'node:path';
import type { Language } from '../analysis/summary';

/** Answers "is this absolute path a file in the workspace index?" */
export type FileExists = (absolutePath: string) => boolean;
/** The workspace files whose path ends with `/<suffix>` (suffix uses the platform separator). */
export type FilesEndingWith = (suffix: string) => readonly string[];

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
 * and `helpers` relative to the file's folder first, then to each workspace root; then, as
 * Python's own path would find them whichever folder is opened, a `pkg.mod` (or a package
 * `pkg`) anywhere in the workspace: a `src/` layout, a package declared in pyproject.toml or
 * setup.cfg, a namespace package of a monorepo (`plugins/x/livekit/plugins/x/`). A single
 * module name (`import utils`) is not looked for elsewhere: too many files share one.
 */
export function resolvePythonModule(
  fromFile: string,
  moduleName: string,
  roots: readonly string[],
  exists: FileExists,
  filesEndingWith?: FilesEndingWith,
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
  if (dots > 0 || parts.length === 0 || filesEndingWith === undefined) return null;
  const suffixes = [path.join(...parts, '__init__.py'), ...(parts.length > 1 ? [path.join(...parts) + '.py'] : [])];
  return nearest(fromFile, suffixes.flatMap(filesEndingWith));
}

/** The candidate sharing the longest folder prefix with the importing file (then the shortest path). */
function nearest(fromFile: string, candidates: readonly string[]): string | null {
  const shared = (p: string): number => {
    const a = path.dirname(fromFile).split(path.sep);
    const b = p.split(path.sep);
    let n = 0;
    while (n < a.length && n < b.length && a[n] === b[n]) n++;
    return n;
  };
  let best: string | null = null;
  for (const c of candidates) {
    if (best === null || shared(c) > shared(best) || (shared(c) === shared(best) && c.length < best.length)) best = c;
  }
  return best;
}

export function resolveModule(
  language: Language,
  fromFile: string,
  specifier: string,
  roots: readonly string[],
  exists: FileExists,
  filesEndingWith?: FilesEndingWith,
): string | null {
  return language === 'python'
    ? resolvePythonModule(fromFile, specifier, roots, exists, filesEndingWith)
    : resolveScriptModule(fromFile, specifier, exists);
}
