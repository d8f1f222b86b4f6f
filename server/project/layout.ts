// How a project says where its modules live, as plain data: the tsconfig `paths`/`baseUrl`
// that govern each folder, the packages of a monorepo's workspaces (imported by name, they
// resolve to their source, not to a build in node_modules), and the folders Python puts on its
// path (src/ layouts and package dirs declared in pyproject.toml or setup.cfg). Read from disk
// by load-layout.ts; resolution (core/resolve.ts) only consults it, so it stays pure.

/** One tsconfig.json/jsconfig.json, with `extends` already applied; all paths absolute. */
export interface TsConfigScope {
  /** The config's folder: it governs the files beneath it (the deepest one wins). */
  dir: string;
  /** `compilerOptions.baseUrl`, resolved; null when unset. */
  baseUrl: string | null;
  /** `compilerOptions.paths`, targets resolved against baseUrl (or the defining config's folder). */
  paths: readonly PathMapping[];
}

export interface PathMapping {
  /** As written: `@app/*`, `~utils` (at most one `*`). */
  pattern: string;
  /** Absolute, each with the pattern's `*` (if any) kept to substitute. */
  targets: readonly string[];
}

/** A package of the repository's workspaces (package.json `workspaces`). */
export interface WorkspacePackage {
  name: string;
  dir: string;
  /** Absolute paths, without or with an extension, tried in order for `import 'name'`. */
  entries: readonly string[];
  /** `exports` subpaths (`./sub` → absolute targets), tried before `dir/sub` and `dir/src/sub`. */
  subpaths: Readonly<Record<string, readonly string[]>>;
}

/** A Python package whose folder does not follow from its name (`package-dir = {mypkg = "lib/x"}`). */
export interface PythonPackageDir {
  name: string;
  dir: string;
}

export interface ProjectLayout {
  tsconfigs: readonly TsConfigScope[];
  packages: readonly WorkspacePackage[];
  /** Folders absolute imports are looked for in, as entries of Python's sys.path. */
  pythonRoots: readonly string[];
  pythonPackageDirs: readonly PythonPackageDir[];
}

export const emptyLayout: ProjectLayout = { tsconfigs: [], packages: [], pythonRoots: [], pythonPackageDirs: [] };

/** A stable text of the layout: part of the cache key of findings (a changed tsconfig can change any chain). */
export function layoutKey(layout: ProjectLayout): string {
  return JSON.stringify(layout);
}
