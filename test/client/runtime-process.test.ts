import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { chooseNode } from '../../client/runtime/runtime-process';

describe('runtime process choices', () => {
  it('prefers openrtc.runtime.nodePath, then node on PATH, then VS Code’s own Node', () => {
    const dir = mkdtempSync(join(tmpdir(), 'openrtc-node-'));
    try {
      writeFileSync(join(dir, 'node'), '#!/bin/sh\n');
      chmodSync(join(dir, 'node'), 0o755);
      assert.deepEqual(chooseNode(' /opt/node22/bin/node ', `${dir}:/usr/bin`, '/vscode/code'), {
        command: '/opt/node22/bin/node',
        env: {},
        describe: '/opt/node22/bin/node (openrtc.runtime.nodePath)',
      });
      assert.equal(chooseNode('', `/nonexistent:${dir}`, '/vscode/code').command, join(dir, 'node'));
      assert.deepEqual(chooseNode('', '/nonexistent', '/vscode/code').env, { ELECTRON_RUN_AS_NODE: '1' });
      assert.equal(chooseNode('', undefined, '/vscode/code').command, '/vscode/code');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
