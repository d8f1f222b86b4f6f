// Temporary workspaces for the server tests: real files on disk, removed afterwards.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export function makeWorkspace(files: Record<string, string>): { root: string; file: (rel: string) => string; remove: () => void } {
  const root = mkdtempSync(path.join(tmpdir(), 'openrtc-lsp-ws-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return { root, file: (rel) => path.join(root, rel), remove: () => rmSync(root, { recursive: true, force: true }) };
}
