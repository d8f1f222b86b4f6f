// The folder the bundled runtime runs agrees with package.json's activation events: openrtc.json
// at a workspace folder's root or one level down, nothing deeper.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_FILE, findConfigFolder, type FolderView } from '../../client/runtime/workspace-config';

function view(files: string[]): FolderView {
  const set = new Set(files);
  return {
    hasFile: (p) => set.has(p),
    subdirectories: (p) => [
      ...new Set(
        files
          .filter((f) => f.startsWith(`${p}/`))
          .map((f) => f.slice(p.length + 1).split('/'))
          .filter((parts) => parts.length > 1)
          .map((parts) => parts[0] ?? ''),
      ),
    ],
    join: (...parts) => parts.join('/'),
  };
}

describe('which folder holds openrtc.json', () => {
  it('takes the root of a workspace folder first, in workspace order', () => {
    const fs = view(['/a/sub/openrtc.json', '/b/openrtc.json']);
    assert.equal(findConfigFolder(['/a', '/b'], fs), '/b');
  });

  it('looks one level down, by name, skipping hidden folders and node_modules', () => {
    const fs = view([
      '/w/.cache/openrtc.json',
      '/w/node_modules/openrtc.json',
      '/w/zeta/openrtc.json',
      '/w/alpha/openrtc.json',
    ]);
    assert.equal(findConfigFolder(['/w'], fs), '/w/alpha');
  });

  it('does not look two levels down', () => {
    assert.equal(findConfigFolder(['/w'], view(['/w/a/b/openrtc.json'])), undefined);
  });

  it("matches package.json's activation events", () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      activationEvents: string[];
    };
    assert.deepEqual(manifest.activationEvents.filter((e) => e.startsWith('workspaceContains:')).sort(), [
      `workspaceContains:*/${CONFIG_FILE}`,
      `workspaceContains:${CONFIG_FILE}`,
    ]);
  });
});
