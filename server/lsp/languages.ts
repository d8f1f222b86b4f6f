// Which files this server analyses, and with which front end. Documents are matched by file
// extension, whatever language id the client sent (typescript, typescriptreact, javascript,
// javascriptreact, python all map here), so an open buffer and its file on disk agree.
import * as path from 'node:path';
import type { Language } from '../analysis/summary';

const byExtension: Record<string, Language> = {
  '.ts': 'typescript',
  '.tsx': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.js': 'javascript',
  '.jsx': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.py': 'python',
};

export const watchedFilesGlob = '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs,py}';

/** The front end for a file, by extension; `.d.ts` declarations hold no code to analyse. */
export function languageOfPath(filePath: string): Language | null {
  if (filePath.endsWith('.d.ts') || filePath.endsWith('.d.mts') || filePath.endsWith('.d.cts')) return null;
  return byExtension[path.extname(filePath).toLowerCase()] ?? null;
}
