// The packages of a JavaScript monorepo (npm/yarn/pnpm-style package.json `workspaces`: a list
// of folder globs, or `{ packages: [...] }`), each with the files `import 'name'` can mean in
// source form: `source`, the `exports` `.` entry, `module`, `main`, `types`, each also with a
// build folder (dist/, lib/, build/, out/) read as src/ (the source of a compiled package), then
// src/index and index. Globs are the simple ones workspaces use: `packages/*`, `apps/**`, exact
// folders, `!` exclusions. Pure: folder listing and file reading are passed in.
import * as path from 'node:path';
import type { WorkspacePackage } from './layout';

export type ListDirs = (absoluteDir: string) => readonly string[];
export type ReadText = (absolutePath: string) => string | null;

/** Folders a `**` workspace glob descends; deeper ones are not packages in practice. */
const MAX_GLOB_DEPTH = 4;
const buildFolders = /^(?:\.\/)?(?:dist|lib|build|out)\//;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The `workspaces` globs of a package.json document, or [] when it declares none. */
export function workspaceGlobs(doc: unknown): string[] {
  if (!isRecord(doc)) return [];
  const ws = doc['workspaces'];
  const list = Array.isArray(ws) ? ws : isRecord(ws) && Array.isArray(ws['packages']) ? ws['packages'] : [];
  return list.filter((g): g is string => typeof g === 'string');
}

function expandGlob(root: string, glob: string, listDirs: ListDirs): string[] {
  const parts = glob.replace(/^\.\//, '').replace(/\/$/, '').split('/');
  let current = [root];
  for (const part of parts) {
    const next: string[] = [];
    for (const dir of current) {
      if (part === '**') {
        const stack: Array<[string, number]> = [[dir, 0]];
        while (stack.length > 0) {
          const [d, depth] = stack.pop() as [string, number];
          next.push(d);
          if (depth < MAX_GLOB_DEPTH) for (const child of listDirs(d)) stack.push([path.join(d, child), depth + 1]);
        }
      } else if (part.includes('*')) {
        const re = new RegExp('^' + part.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*') + '$');
        for (const child of listDirs(dir)) if (re.test(child)) next.push(path.join(dir, child));
      } else next.push(path.join(dir, part));
    }
    current = next;
  }
  return current;
}

/** The package folders a root package.json's `workspaces` names (exclusions applied). */
export function workspaceDirs(root: string, globs: readonly string[], listDirs: ListDirs): string[] {
  const included = new Set<string>();
  for (const g of globs) if (!g.startsWith('!')) for (const d of expandGlob(root, g, listDirs)) included.add(d);
  for (const g of globs)
    if (g.startsWith('!')) for (const d of expandGlob(root, g.slice(1), listDirs)) included.delete(d);
  return [...included].filter((d) => d === root || d.startsWith(root + path.sep)).sort();
}

/** The `.` entry of `exports` (a string, conditions, or `{ ".": ... }`), first condition first. */
function exportTargets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(exportTargets);
  if (!isRecord(value)) return [];
  return Object.values(value).flatMap(exportTargets);
}

/** A package's entry as source: the path itself, then the same under src/ for a build folder. */
function asSource(dir: string, rel: string): string[] {
  const out = [path.resolve(dir, rel)];
  if (buildFolders.test(rel)) {
    const inSrc = rel.replace(buildFolders, 'src/').replace(/\.d\.ts$|\.(?:c|m)?js$/, '');
    out.push(path.resolve(dir, inSrc));
  }
  return out;
}

/** One workspace package from its package.json text, or null when it has no usable name. */
export function workspacePackage(dir: string, text: string): WorkspacePackage | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(doc) || typeof doc['name'] !== 'string' || doc['name'] === '') return null;
  const exportsField = doc['exports'];
  const dotExports =
    isRecord(exportsField) && Object.keys(exportsField).some((k) => k.startsWith('.'))
      ? exportsField['.']
      : exportsField;
  const field = (name: string): string[] => (typeof doc[name] === 'string' ? [doc[name]] : []);
  const declared = [...field('source'), ...exportTargets(dotExports), ...field('module'), ...field('main')];
  const entries = [...declared, ...field('types'), ...field('typings')].flatMap((rel) => asSource(dir, rel));
  entries.push(path.join(dir, 'src', 'index'), path.join(dir, 'index'));
  const subpaths: Record<string, string[]> = {};
  if (isRecord(exportsField))
    for (const [key, value] of Object.entries(exportsField))
      if (key.startsWith('./') && !key.includes('*'))
        subpaths[key] = exportTargets(value).flatMap((t) => asSource(dir, t));
  return { name: doc['name'], dir, entries: [...new Set(entries)], subpaths };
}

/** Every package a root package.json's workspaces hold. */
export function workspacePackages(
  root: string,
  rootDoc: unknown,
  listDirs: ListDirs,
  read: ReadText,
): WorkspacePackage[] {
  const out: WorkspacePackage[] = [];
  for (const dir of workspaceDirs(root, workspaceGlobs(rootDoc), listDirs)) {
    const text = read(path.join(dir, 'package.json'));
    const pkg = text === null ? null : workspacePackage(dir, text);
    if (pkg !== null) out.push(pkg);
  }
  return out;
}
