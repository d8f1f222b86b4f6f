// Module resolution for `import` callees, against the set of files the workspace index
// holds (never the disk: the index is the source of truth, so resolution is pure and an
// unsaved new file resolves like a saved one) and the project's layout (tsconfig paths,
// workspaces, Python source roots: read once from disk, given here as data). Other package
// imports resolve to nothing: they are not workspace code, and the front ends' catalogues
// already cover the libraries we know.
import * as path from 'node:path';
import type { Language } from '../analysis/summary';
import { emptyLayout, type PathMapping, type ProjectLayout, type TsConfigScope } from '../project/layout';

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

/** A module path as written (extensionless, `.js` for a `.ts` source, a folder with `index.*`) → the file. */
function scriptFile(base: string, exists: FileExists): string | null {
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

const isInside = (dir: string, file: string): boolean => file.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);

/** The tsconfig governing a file: the deepest one whose folder holds it. */
function governingConfig(fromFile: string, configs: readonly TsConfigScope[]): TsConfigScope | null {
  let best: TsConfigScope | null = null;
  for (const c of configs) if (isInside(c.dir, fromFile) && (best === null || c.dir.length > best.dir.length)) best = c;
  return best;
}

/** As TypeScript picks among `paths`: an exact pattern, else the matching one with the longest prefix before `*`. */
function matchPaths(specifier: string, paths: readonly PathMapping[]): string[] {
  let best: { mapping: PathMapping; star: string; prefix: number } | null = null;
  for (const mapping of paths) {
    const star = mapping.pattern.indexOf('*');
    if (star < 0) {
      if (mapping.pattern === specifier) return [...mapping.targets];
      continue;
    }
    const prefix = mapping.pattern.slice(0, star);
    const suffix = mapping.pattern.slice(star + 1);
    if (specifier.length < prefix.length + suffix.length) continue;
    if (!specifier.startsWith(prefix) || !specifier.endsWith(suffix)) continue;
    if (best === null || prefix.length > best.prefix)
      best = { mapping, star: specifier.slice(prefix.length, specifier.length - suffix.length), prefix: prefix.length };
  }
  if (best === null) return [];
  const matched = best.star;
  return best.mapping.targets.map((t) => t.replace('*', matched));
}

/** A bare specifier through the governing tsconfig (`paths`, then `baseUrl`), then the workspaces' packages. */
function resolveBareScript(
  fromFile: string,
  specifier: string,
  exists: FileExists,
  layout: ProjectLayout,
): string | null {
  const config = governingConfig(fromFile, layout.tsconfigs);
  if (config !== null) {
    for (const target of matchPaths(specifier, config.paths)) {
      const found = scriptFile(target, exists);
      if (found !== null) return found;
    }
    if (config.baseUrl !== null) {
      const found = scriptFile(path.join(config.baseUrl, specifier), exists);
      if (found !== null) return found;
    }
  }
  for (const pkg of layout.packages) {
    if (specifier !== pkg.name && !specifier.startsWith(pkg.name + '/')) continue;
    const sub = specifier.slice(pkg.name.length + 1);
    const bases =
      sub === ''
        ? pkg.entries
        : [...(pkg.subpaths['./' + sub] ?? []), path.join(pkg.dir, sub), path.join(pkg.dir, 'src', sub)];
    for (const base of bases) {
      const found = scriptFile(base, exists);
      if (found !== null) return found;
    }
  }
  return null;
}

/**
 * TS/JS: relative or absolute specifiers (extensionless, `/index.*`, and `.js` → `.ts`); bare
 * ones through tsconfig `paths`/`baseUrl` and the workspaces' packages; other packages never.
 */
export function resolveScriptModule(
  fromFile: string,
  specifier: string,
  exists: FileExists,
  layout: ProjectLayout = emptyLayout,
): string | null {
  if (specifier.startsWith('.') || path.isAbsolute(specifier))
    return scriptFile(path.resolve(path.dirname(fromFile), specifier), exists);
  if (specifier.startsWith('node:') || specifier.includes('\\')) return null;
  return resolveBareScript(fromFile, specifier, exists, layout);
}

/**
 * Python: `.helpers` / `..pkg.mod` relative to the importing file's package; `pkg.helpers`
 * and `helpers` relative to the file's folder first, then to the source roots and package
 * dirs the project declares (pyproject.toml, setup.cfg, a src/ layout: `layout`), then to each
 * workspace root; then, as
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
  layout: ProjectLayout = emptyLayout,
): string | null {
  const dots = /^\.*/.exec(moduleName)?.[0].length ?? 0;
  const rest = moduleName.slice(dots);
  if (rest !== '' && !/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/.test(rest)) return null;
  const parts = rest === '' ? [] : rest.split('.');
  const targets: string[] = [];
  if (dots > 0) {
    let dir = path.dirname(fromFile);
    for (let i = 1; i < dots; i++) dir = path.dirname(dir);
    targets.push(path.join(dir, ...parts));
  } else {
    for (const dir of [path.dirname(fromFile), ...layout.pythonRoots]) targets.push(path.join(dir, ...parts));
    for (const pkg of layout.pythonPackageDirs)
      if (parts[0] === pkg.name) targets.push(path.join(pkg.dir, ...parts.slice(1)));
    for (const dir of roots) targets.push(path.join(dir, ...parts));
  }
  for (const target of targets) {
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
  layout: ProjectLayout = emptyLayout,
): string | null {
  return language === 'python'
    ? resolvePythonModule(fromFile, specifier, roots, exists, filesEndingWith, layout)
    : resolveScriptModule(fromFile, specifier, exists, layout);
}
