// Reads a project's layout from disk: the config files the walk found (tsconfig.json,
// jsconfig.json, package.json, pyproject.toml, setup.cfg) plus those in the folders above each
// root (a monorepo's root config when one package folder is opened). Each file is an outside
// input: a broken one is reported (file and reason) and left out; the others still count.
// `openrtc check` and the language server's scan both call this, so they resolve alike.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { messageOf } from '../../protocol/errors';
import type { ProjectLayout, TsConfigScope, WorkspacePackage } from './layout';
import { pythonRootsOf } from './python-roots';
import { loadTsConfig, TsConfigError } from './tsconfig';
import { workspacePackages } from './workspaces';

export const LAYOUT_FILES: ReadonlySet<string> = new Set([
  'tsconfig.json',
  'jsconfig.json',
  'package.json',
  'pyproject.toml',
  'setup.cfg',
]);

/** For the client's file watcher: the layout is read again when one of these changes. */
export const layoutFilesGlob = `**/{${[...LAYOUT_FILES].join(',')}}`;

/** A file the layout is read from: a change to it means reading the layout again. */
export const isLayoutFile = (file: string): boolean => LAYOUT_FILES.has(path.basename(file));

export interface LoadedLayout {
  layout: ProjectLayout;
  problems: string[];
}

/** Config files are small; a larger one is not a config we should parse. */
const MAX_CONFIG_BYTES = 1024 * 1024;

function readText(file: string): string | null {
  try {
    if (statSync(file).size > MAX_CONFIG_BYTES) return null;
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

const isDirectory = (dir: string): boolean => statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false;

function listDirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.'))
      .map((e) => e.name);
  } catch {
    return [];
  }
}

/** The layout files in the roots' ancestor folders (the walk saw only what is under the roots). */
function aboveRoots(roots: readonly string[]): string[] {
  const out: string[] = [];
  for (const root of roots) {
    for (let dir = path.dirname(root); ; dir = path.dirname(dir)) {
      for (const name of LAYOUT_FILES) {
        const file = path.join(dir, name);
        if (statSync(file, { throwIfNoEntry: false })?.isFile() === true) out.push(file);
      }
      if (path.dirname(dir) === dir) break;
    }
  }
  return out;
}

export function loadLayout(roots: readonly string[], found: readonly string[]): LoadedLayout {
  const files = [...new Set([...found.filter(isLayoutFile), ...aboveRoots(roots)])].sort();
  const problems: string[] = [];
  const tsconfigs: TsConfigScope[] = [];
  const packages = new Map<string, WorkspacePackage>();
  const pythonDirs = new Set<string>();
  for (const file of files) {
    const name = path.basename(file);
    if (name === 'tsconfig.json' || name === 'jsconfig.json') {
      try {
        const scope = loadTsConfig(file, readText);
        // tsconfig.json wins over a jsconfig.json in the same folder, as in the editor.
        if (!tsconfigs.some((c) => c.dir === scope.dir)) tsconfigs.push(scope);
        else if (name === 'tsconfig.json')
          tsconfigs.splice(
            tsconfigs.findIndex((c) => c.dir === scope.dir),
            1,
            scope,
          );
      } catch (error) {
        if (!(error instanceof TsConfigError)) throw error;
        problems.push(`${error.message}; its paths are not used`);
      }
    } else if (name === 'package.json') {
      const text = readText(file);
      let doc: unknown = null;
      try {
        doc = text === null ? null : JSON.parse(text);
      } catch (error) {
        problems.push(`${file}: not JSON: ${messageOf(error)}; its workspaces are not used`);
      }
      for (const pkg of workspacePackages(path.dirname(file), doc, listDirs, readText))
        if (!packages.has(pkg.name)) packages.set(pkg.name, pkg);
    } else pythonDirs.add(path.dirname(file));
  }
  const pythonRoots: string[] = [];
  const pythonPackageDirs: ProjectLayout['pythonPackageDirs'][number][] = [];
  for (const dir of [...pythonDirs].sort()) {
    const found = pythonRootsOf(
      { dir, pyproject: readText(path.join(dir, 'pyproject.toml')), setupCfg: readText(path.join(dir, 'setup.cfg')) },
      isDirectory,
    );
    problems.push(...found.problems.map((p) => `${p}; its package folders are not used`));
    for (const r of found.roots) if (!pythonRoots.includes(r)) pythonRoots.push(r);
    pythonPackageDirs.push(...found.packageDirs);
  }
  return {
    layout: { tsconfigs, packages: [...packages.values()], pythonRoots, pythonPackageDirs },
    problems,
  };
}
