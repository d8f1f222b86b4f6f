// Temporary workspaces for the server tests: real files on disk, removed afterwards, and the
// usual set-up of a test file: one server started on one workspace for all its tests.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before } from 'node:test';
import { TestClient, type ClientOptions } from './lsp-client';

export interface Workspace {
  root: string;
  file: (rel: string) => string;
  remove: () => void;
}

export function makeWorkspace(files: Record<string, string>): Workspace {
  const root = mkdtempSync(path.join(tmpdir(), 'openrtc-lsp-ws-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return { root, file: (rel) => path.join(root, rel), remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** A workspace with `files` and a server on it, started before this test file's tests and
 *  stopped (workspace removed) after them. */
export function serverOnWorkspace(
  files: Record<string, string>,
  options: Omit<ClientOptions, 'root'> = {},
): { ws: Workspace; readonly client: TestClient } {
  const ws = makeWorkspace(files);
  let started: TestClient | undefined;
  before(async () => {
    started = await TestClient.start({ ...options, root: ws.root });
  });
  after(async () => {
    await started?.stop();
    ws.remove();
  });
  return {
    ws,
    get client(): TestClient {
      if (started === undefined) throw new Error('the server starts in before(): use the client inside tests');
      return started;
    },
  };
}
