// The workspace index: one FileSummary per file, import resolution between them, and the
// reverse import graph (who must be re-diagnosed when a file changes). Resolution results
// are cached per file and dropped when the set of files changes, since a new file can make
// a previously dangling import resolve. The reverse graph is updated in place when a known
// file changes (the editing path) and rebuilt lazily, once, after files come or go.
import type { FileSummary, FunctionSummary } from '../analysis/summary';
import * as nodePath from 'node:path';
import { emptyLayout, type ProjectLayout } from '../project/layout';
import { resolveModule } from './resolve';

/** Re-export hops followed for one imported name (barrel of barrels); a cycle stops earlier. */
const MAX_REEXPORT_HOPS = 16;

export interface ResolvedFunction {
  summary: FileSummary;
  fn: FunctionSummary;
}

export class WorkspaceIndex {
  private readonly files = new Map<string, FileSummary>();
  /** File name → the paths with that name, for imports resolved by their path's end. */
  private readonly byName = new Map<string, Set<string>>();
  private readonly functionsById = new WeakMap<FileSummary, Map<string, FunctionSummary>>();
  /** importing file → specifier → resolved path (null: not a workspace file). */
  private readonly resolutions = new Map<string, Map<string, string | null>>();
  /** Reverse import graph (target → importers), with each file's own targets to undo them. */
  private graph: { importers: Map<string, Set<string>>; targets: Map<string, Set<string>> } | null = null;
  /** Bumped on every change; derived analyses compare it to know when to rebuild. */
  private revision = 0;
  private projectLayout: ProjectLayout = emptyLayout;

  constructor(private readonly roots: readonly string[]) {}

  get layout(): ProjectLayout {
    return this.projectLayout;
  }

  /** A new tsconfig, workspace or Python root can make any import resolve elsewhere: resolution starts over. */
  setLayout(layout: ProjectLayout): void {
    this.projectLayout = layout;
    this.resolutions.clear();
    this.graph = null;
    this.revision++;
  }

  get version(): number {
    return this.revision;
  }

  get size(): number {
    return this.files.size;
  }

  /** Adds or replaces a file's summary. */
  set(summary: FileSummary): void {
    const isNew = !this.files.has(summary.path);
    this.files.set(summary.path, summary);
    this.revision++;
    if (isNew) {
      const name = nodePath.basename(summary.path);
      this.byName.set(name, (this.byName.get(name) ?? new Set()).add(summary.path));
      this.resolutions.clear();
      this.graph = null;
      return;
    }
    this.resolutions.delete(summary.path);
    if (this.graph !== null) this.linkImports(this.graph, summary);
  }

  delete(path: string): boolean {
    if (!this.files.delete(path)) return false;
    this.byName.get(nodePath.basename(path))?.delete(path);
    this.resolutions.clear();
    this.graph = null;
    this.revision++;
    return true;
  }

  get(path: string): FileSummary | undefined {
    return this.files.get(path);
  }

  has(path: string): boolean {
    return this.files.has(path);
  }

  paths(): IterableIterator<string> {
    return this.files.keys();
  }

  summaries(): IterableIterator<FileSummary> {
    return this.files.values();
  }

  functionById(summary: FileSummary, id: string): FunctionSummary | undefined {
    let byId = this.functionsById.get(summary);
    if (byId === undefined) {
      byId = new Map(summary.functions.map((f) => [f.id, f]));
      this.functionsById.set(summary, byId);
    }
    return byId.get(id);
  }

  /** The workspace file a specifier written in `fromPath` refers to, or null. */
  resolveFile(fromPath: string, specifier: string): string | null {
    const from = this.files.get(fromPath);
    if (from === undefined) return null;
    let cache = this.resolutions.get(fromPath);
    if (cache === undefined) {
      cache = new Map();
      this.resolutions.set(fromPath, cache);
    }
    const cached = cache.get(specifier);
    if (cached !== undefined) return cached;
    const resolved = resolveModule(
      from.language,
      fromPath,
      specifier,
      this.roots,
      (p) => this.files.has(p),
      (suffix) => this.filesEndingWith(suffix),
      this.projectLayout,
    );
    cache.set(specifier, resolved);
    return resolved;
  }

  private filesEndingWith(suffix: string): string[] {
    const tail = nodePath.sep + suffix;
    return [...(this.byName.get(nodePath.basename(suffix)) ?? [])].filter((p) => p.endsWith(tail));
  }

  /** The function an imported name refers to: one of the target file's exports, or one it passes on. */
  resolveImport(fromPath: string, specifier: string, name: string): ResolvedFunction | null {
    return this.resolveExport(this.resolveFile(fromPath, specifier), name, new Set());
  }

  /** `name` as `path` exports it: its own function, else a named re-export, else the first `export *` that has it. */
  private resolveExport(path: string | null, name: string, seen: Set<string>): ResolvedFunction | null {
    if (path === null) return null;
    const key = `${path}\0${name}`;
    if (seen.has(key) || seen.size >= MAX_REEXPORT_HOPS) return null;
    seen.add(key);
    const summary = this.files.get(path);
    if (summary === undefined) return null;
    const id = Object.prototype.hasOwnProperty.call(summary.exports, name) ? summary.exports[name] : undefined;
    if (id !== undefined) {
      const fn = this.functionById(summary, id);
      return fn === undefined ? null : { summary, fn };
    }
    const named = summary.reexports.find((r) => r.name === name);
    if (named !== undefined) return this.resolveExport(this.resolveFile(path, named.module), named.importedName, seen);
    if (name === 'default') return null; // `export *` does not pass a default export on
    for (const star of summary.reexports) {
      if (star.name !== '*') continue;
      const found = this.resolveExport(this.resolveFile(path, star.module), name, seen);
      if (found !== null) return found;
    }
    return null;
  }

  /** Files whose findings can change when `path` changes: its importers, transitively (not itself). */
  dependentsOf(path: string): Set<string> {
    const importers = this.importerGraph().importers;
    const out = new Set<string>();
    const stack = [path];
    while (stack.length > 0) {
      const current = stack.pop() as string;
      for (const importer of importers.get(current) ?? []) {
        if (importer !== path && !out.has(importer)) {
          out.add(importer);
          stack.push(importer);
        }
      }
    }
    return out;
  }

  private importerGraph(): NonNullable<WorkspaceIndex['graph']> {
    if (this.graph === null) {
      const graph = { importers: new Map<string, Set<string>>(), targets: new Map<string, Set<string>>() };
      for (const summary of this.files.values()) this.linkImports(graph, summary);
      this.graph = graph;
    }
    return this.graph;
  }

  /** Replaces one file's edges in the reverse graph with those of its current summary. */
  private linkImports(graph: NonNullable<WorkspaceIndex['graph']>, summary: FileSummary): void {
    for (const old of graph.targets.get(summary.path) ?? []) graph.importers.get(old)?.delete(summary.path);
    const targets = new Set<string>();
    const link = (specifier: string): void => {
      const target = this.resolveFile(summary.path, specifier);
      if (target !== null && target !== summary.path) targets.add(target);
    };
    for (const fn of summary.functions) {
      for (const call of fn.calls) if (call.callee.kind === 'import') link(call.callee.module);
    }
    // A barrel's importers depend on what it passes on.
    for (const reexport of summary.reexports) link(reexport.module);
    graph.targets.set(summary.path, targets);
    for (const target of targets) {
      let set = graph.importers.get(target);
      if (set === undefined) graph.importers.set(target, (set = new Set()));
      set.add(summary.path);
    }
  }
}
