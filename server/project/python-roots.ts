// Where a Python project's packages live, from its pyproject.toml and setup.cfg, as the
// build back ends and pytest read them: setuptools (`package-dir`, `packages.find.where`),
// hatch (`packages`, `sources`), poetry (`packages = [{include, from}]`), pdm (`package-dir`),
// maturin (`python-source`), pytest (`pythonpath`), setup.cfg's `[options]`. A project with
// neither declared but a `src/` folder is a src layout (setuptools finds it so). The project's
// own folder always counts (a flat layout). Pure: the texts and a folder test are passed in.
import * as path from 'node:path';
import { messageOf } from '../../protocol/errors';
import type { PythonPackageDir } from './layout';
import { cfgList, cfgMapping, parseSetupCfg } from './setup-cfg';
import { parseToml, type TomlTable, type TomlValue } from './toml-subset';

export interface PythonProject {
  /** The folder holding pyproject.toml and/or setup.cfg. */
  dir: string;
  pyproject: string | null;
  setupCfg: string | null;
}

export interface PythonRoots {
  roots: string[];
  packageDirs: PythonPackageDir[];
  /** What could not be read, each naming the file and why; the other file and the folder itself still count. */
  problems: string[];
}

const table = (v: TomlValue | undefined): TomlTable | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
const strings = (v: TomlValue | undefined): string[] =>
  typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
const at = (t: TomlValue | undefined, ...keys: string[]): TomlValue | undefined => {
  let v: TomlValue | undefined = t;
  for (const k of keys) v = table(v)?.[k];
  return v;
};

/** A declared path stays inside the project (`../x` or an absolute path is not followed). */
function inside(dir: string, rel: string): string | null {
  const full = path.resolve(dir, rel);
  return full === dir || full.startsWith(dir + path.sep) ? full : null;
}

class Collector {
  readonly roots: string[] = [];
  readonly packageDirs: PythonPackageDir[] = [];
  constructor(readonly dir: string) {}

  root(rel: string): void {
    const full = inside(this.dir, rel);
    if (full !== null && !this.roots.includes(full)) this.roots.push(full);
  }

  /** `{'' = 'src'}` is a root; `{pkg = 'lib/x'}` names a package's own folder. */
  mapping(map: Record<string, string>): void {
    for (const [name, rel] of Object.entries(map)) {
      if (name === '') this.root(rel);
      else {
        const full = inside(this.dir, rel);
        if (full !== null && /^[A-Za-z_]\w*$/.test(name)) this.packageDirs.push({ name, dir: full });
      }
    }
  }
}

function fromPyproject(doc: TomlTable, c: Collector): boolean {
  const tool = table(doc['tool']);
  const before = c.roots.length + c.packageDirs.length;
  const setuptools = table(tool?.['setuptools']);
  const packageDir = table(setuptools?.['package-dir']);
  if (packageDir !== undefined)
    c.mapping(
      Object.fromEntries(Object.entries(packageDir).filter((e): e is [string, string] => typeof e[1] === 'string')),
    );
  for (const where of strings(at(setuptools, 'packages', 'find', 'where'))) c.root(where);
  const wheel = at(tool, 'hatch', 'build', 'targets', 'wheel');
  for (const pkg of strings(at(wheel, 'packages'))) c.root(path.dirname(pkg));
  const sources = at(wheel, 'sources');
  for (const src of Array.isArray(sources) ? strings(sources) : Object.keys(table(sources) ?? {})) c.root(src);
  const poetry = at(tool, 'poetry', 'packages');
  for (const entry of Array.isArray(poetry) ? poetry : []) {
    const from = table(entry)?.['from'];
    c.root(typeof from === 'string' ? from : '.');
  }
  for (const dir of strings(at(tool, 'pdm', 'build', 'package-dir'))) c.root(dir);
  for (const dir of strings(at(tool, 'maturin', 'python-source'))) c.root(dir);
  for (const dir of strings(at(tool, 'pytest', 'ini_options', 'pythonpath'))) c.root(dir);
  return c.roots.length + c.packageDirs.length > before;
}

function fromSetupCfg(text: string, c: Collector): boolean {
  const sections = parseSetupCfg(text);
  const before = c.roots.length + c.packageDirs.length;
  const packageDir = sections['options']?.['package_dir'];
  if (packageDir !== undefined) c.mapping(cfgMapping(packageDir.includes('=') ? packageDir : `=${packageDir}`));
  for (const where of cfgList(sections['options.packages.find']?.['where'] ?? '')) c.root(where);
  for (const dir of cfgList(sections['tool:pytest']?.['pythonpath'] ?? '')) c.root(dir);
  return c.roots.length + c.packageDirs.length > before;
}

export function pythonRootsOf(project: PythonProject, isDirectory: (p: string) => boolean): PythonRoots {
  const c = new Collector(project.dir);
  const problems: string[] = [];
  let declared = false;
  const read = (file: string, text: string | null, parse: (t: string) => boolean): void => {
    if (text === null) return;
    try {
      declared = parse(text) || declared;
    } catch (error) {
      problems.push(`${path.join(project.dir, file)}: ${messageOf(error)}`);
    }
  };
  read('pyproject.toml', project.pyproject, (t) => fromPyproject(parseToml(t), c));
  read('setup.cfg', project.setupCfg, (t) => fromSetupCfg(t, c));
  if (!declared && isDirectory(path.join(project.dir, 'src'))) c.root('src');
  c.root('.');
  return { roots: c.roots, packageDirs: c.packageDirs, problems };
}
