// The files `openrtc check PATHS...` analyses: each file named, and the source files under each
// folder named, walked as the language server's scan walks (dependency, build, hidden and
// virtual-env folders skipped) and honouring .gitignore files on the way down, as git does.
// `--exclude` globs apply to everything, named files included, relative to the check's root.
import { promises as fs, type Dirent } from 'node:fs';
import * as path from 'node:path';
import { languageOfPath } from '../lsp/languages';
import { isLayoutFile } from '../project/load-layout';
import { isSkippedDirectory, isVirtualEnv } from '../lsp/workspace-scan';
import { matchesGlob, type CompiledGlob } from './glob';
import { IgnoreRules } from './gitignore';

export interface Collected {
  /** Absolute paths, sorted, no duplicates. */
  files: string[];
  /** Named paths that do not exist (a usage error). */
  missing: string[];
  /** tsconfig.json, package.json, pyproject.toml, ... met on the walk: where imports resolve (project/). */
  layoutFiles: string[];
}

interface IgnoreLevel {
  base: string;
  rules: IgnoreRules;
}

const toPosix = (p: string): string => p.split(path.sep).join('/');

export class FileCollector {
  private readonly gitignores = new Map<string, IgnoreRules | null>();
  private readonly layoutFiles = new Set<string>();

  constructor(
    /** Folder the globs and the nearest .gitignore files are relative to (the working directory). */
    private readonly root: string,
    private readonly exclude: readonly CompiledGlob[],
  ) {}

  async collect(paths: readonly string[]): Promise<Collected> {
    const files = new Set<string>();
    const missing: string[] = [];
    for (const given of paths) {
      const full = path.resolve(this.root, given);
      const stat = await fs.stat(full).catch(() => null);
      if (stat === null) missing.push(given);
      else if (stat.isDirectory()) await this.walk(full, await this.levelsAbove(full), files);
      else if (languageOfPath(full) !== null && !this.excluded(full, false)) files.add(full);
    }
    return { files: [...files].sort(), missing, layoutFiles: [...this.layoutFiles].sort() };
  }

  private excluded(full: string, isDirectory: boolean): boolean {
    if (this.exclude.length === 0) return false; // the usual case: no path worked out per file
    const rel = toPosix(path.relative(this.root, full));
    if (rel === '' || rel.startsWith('..')) return false;
    return this.exclude.some((glob) => matchesGlob(glob, rel, isDirectory));
  }

  /** The .gitignore files between the root and a folder named on the command line. */
  private async levelsAbove(dir: string): Promise<IgnoreLevel[]> {
    const rel = path.relative(this.root, dir);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return [];
    const levels: IgnoreLevel[] = [];
    let base = this.root;
    for (const part of ['', ...rel.split(path.sep).slice(0, -1)]) {
      base = path.join(base, part);
      const rules = await this.gitignoreOf(base);
      if (rules !== null) levels.push({ base, rules });
    }
    return levels;
  }

  private async gitignoreOf(dir: string): Promise<IgnoreRules | null> {
    let rules = this.gitignores.get(dir);
    if (rules === undefined) {
      const text = await fs.readFile(path.join(dir, '.gitignore'), 'utf8').catch(() => null);
      rules = text === null ? null : IgnoreRules.parse(text);
      this.gitignores.set(dir, rules);
    }
    return rules;
  }

  private ignored(levels: readonly IgnoreLevel[], full: string, isDirectory: boolean): boolean {
    // The deepest .gitignore with an opinion wins, as in git.
    for (let i = levels.length - 1; i >= 0; i--) {
      const level = levels[i] as IgnoreLevel;
      const verdict = level.rules.decide(toPosix(path.relative(level.base, full)), isDirectory);
      if (verdict !== undefined) return verdict;
    }
    return false;
  }

  private async walk(dir: string, above: readonly IgnoreLevel[], out: Set<string>): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return; // unreadable or vanished folder: nothing to check there
    }
    if (isVirtualEnv(entries)) return;
    const own = await this.gitignoreOf(dir);
    const levels = own === null ? above : [...above, { base: dir, rules: own }];
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (isSkippedDirectory(entry.name) || this.ignored(levels, full, true) || this.excluded(full, true)) continue;
        await this.walk(full, levels, out);
      } else if (entry.isFile() && languageOfPath(full) !== null) {
        if (!this.ignored(levels, full, false) && !this.excluded(full, false)) out.add(full);
      } else if (entry.isFile() && isLayoutFile(full)) {
        if (!this.ignored(levels, full, false)) this.layoutFiles.add(full);
      }
    }
  }
}
