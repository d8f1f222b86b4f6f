// Finds the workspace's source files at start-up so files that are not open get results
// too. Bounded: it skips dependency, build and virtual-env folders and stops at a file count,
// reporting that it stopped rather than walking a huge monorepo for minutes.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isLayoutFile } from '../project/load-layout';
import { languageOfPath } from './languages';

const skippedDirectories = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  'dist',
  'out',
  'build',
  '.venv',
  'venv',
  'env',
  '__pycache__',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  '.tox',
  '.nox',
  'site-packages',
  '.openrtc',
  '.tools',
  'coverage',
]);

export interface ScanResult {
  files: string[];
  /** True when the file limit stopped the walk. */
  truncated: boolean;
  /** tsconfig.json, package.json, pyproject.toml, ... met on the walk: where imports resolve (project/). */
  layoutFiles: string[];
}

/** Dependency/build folders by name, and hidden folders (.git, .vscode, .cache, ...); `openrtc check` skips the same. */
export function isSkippedDirectory(name: string): boolean {
  return skippedDirectories.has(name) || name.startsWith('.');
}

/** A folder holding pyvenv.cfg is a virtual env whatever its name. */
export function isVirtualEnv(entries: readonly import('node:fs').Dirent[]): boolean {
  return entries.some((e) => e.isFile() && e.name === 'pyvenv.cfg');
}

/** Runs before the server analyses the scanned files one by one: the cache and worker threads (scan-cache.ts). */
export type PrepareScan = (roots: readonly string[], files: readonly string[]) => Promise<unknown>;

export async function scanWorkspace(
  roots: readonly string[],
  maxFiles: number,
  prepare?: PrepareScan,
): Promise<ScanResult> {
  const result = await listWorkspace(roots, maxFiles);
  await prepare?.(roots, result.files);
  return result;
}

async function listWorkspace(roots: readonly string[], maxFiles: number): Promise<ScanResult> {
  const files: string[] = [];
  const layoutFiles: string[] = [];
  const queue = [...roots];
  while (queue.length > 0) {
    const dir = queue.shift() as string;
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      continue; // unreadable or vanished folder: nothing to analyse there
    }
    if (isVirtualEnv(entries)) continue;
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!isSkippedDirectory(entry.name)) queue.push(full);
      } else if (entry.isFile() && languageOfPath(full) !== null) {
        if (files.length >= maxFiles) return { files, truncated: true, layoutFiles };
        files.push(full);
      } else if (entry.isFile() && isLayoutFile(full)) layoutFiles.push(full);
    }
  }
  return { files, truncated: false, layoutFiles };
}
