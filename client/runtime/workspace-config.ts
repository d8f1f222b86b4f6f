// Which folder the bundled runtime runs: the one holding openrtc.json, at the root of a workspace
// folder or one level down: exactly what package.json's activation events look for
// (`workspaceContains:openrtc.json`, `workspaceContains:*/openrtc.json`), so the extension never
// activates for a file it would then not use. Pure over a tiny file-system view, for tests.

export const CONFIG_FILE = 'openrtc.json';

export interface FolderView {
  hasFile(path: string): boolean;
  /** Sub-directory names of `path` ([] when unreadable). */
  subdirectories(path: string): string[];
  join(...parts: string[]): string;
}

/** Folders never searched one level down: hidden ones and installed packages. */
const SKIPPED = (name: string): boolean => name.startsWith('.') || name === 'node_modules';

/** The first folder (in workspace order; root before sub-folders, sub-folders by name) with openrtc.json. */
export function findConfigFolder(roots: readonly string[], fs: FolderView): string | undefined {
  for (const root of roots) {
    if (fs.hasFile(fs.join(root, CONFIG_FILE))) return root;
  }
  for (const root of roots) {
    for (const name of [...fs.subdirectories(root)].filter((n) => !SKIPPED(n)).sort()) {
      const dir = fs.join(root, name);
      if (fs.hasFile(fs.join(dir, CONFIG_FILE))) return dir;
    }
  }
  return undefined;
}
