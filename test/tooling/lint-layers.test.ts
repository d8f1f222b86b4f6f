// The import-boundary rule, run through the repository's real eslint config: each forbidden
// import in the README's table is reported where it is written, the allowed ones are not.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const root = join(__dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

/** Messages of the import rule for `code` as if it were the file `path` (a plain module: no type info needed). */
async function importProblems(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  assert.ok(result, 'eslint returned a result');
  return result.messages.filter((m) => m.ruleId === 'openrtc/imports').map((m) => m.message);
}

describe('lint: the layer table', () => {
  const forbidden: [string, string, RegExp][] = [
    ['runtime/x.mjs', "import * as vscode from 'vscode';", /runtime\/ never imports 'vscode'/],
    ['server/lsp/x.mjs', "import vscode from 'vscode';", /server\/ never imports 'vscode'/],
    ['protocol/x.mjs', "import vscode from 'vscode';", /protocol\/ never imports 'vscode'/],
    [
      'runtime/cli/x.mjs',
      "import { a } from '../../client/controller';",
      /runtime\/ may import only protocol\/, not client\//,
    ],
    [
      'runtime/x.mjs',
      "import { a } from '../server/lsp/server';",
      /runtime\/ may import only protocol\/, not server\//,
    ],
    ['server/x.mjs', "export * from '../runtime/runtime';", /server\/ may import only protocol\/, not runtime\//],
    ['client/x.mjs', "import { a } from '../runtime/runtime';", /client\/ may import only protocol\/, not runtime\//],
    ['client/views/x.mjs', "const m = await import('../../server/lsp/server.js');", /client\/ .* not server\//],
    ['protocol/x.mjs', "import { a } from '../runtime/runtime';", /protocol\/ may import only nothing of ours/],
    ['runtime/x.mjs', "const t = require('../client/extension');", /not client\//],
  ];
  for (const [path, code, expected] of forbidden) {
    it(`refuses in ${path}: ${code}`, async () => {
      const problems = await importProblems(path, code);
      assert.equal(problems.length, 1, `one problem for ${code}: ${problems.join('; ')}`);
      assert.match(problems[0] ?? '', expected);
    });
  }

  const allowed: [string, string][] = [
    ['client/x.mjs', "import * as vscode from 'vscode';"],
    ['client/lsp/x.mjs', "import { LanguageClient } from 'vscode-languageclient/node';"],
    ['client/commands/x.mjs', "import { a } from '../runtime/runtime-manager';"], // client's own runtime/ folder
    ['runtime/cli/x.mjs', "import { a } from '../../protocol/control';"],
    ['server/x.mjs', "import { a } from '../protocol/control';"],
    ['runtime/config/x.mjs', "import schema from '../../schemas/openrtc.schema.json';"],
    ['test/x.mjs', "import { a } from '../client/controller'; import { b } from '../runtime/runtime';"],
  ];
  for (const [path, code] of allowed) {
    it(`allows in ${path}: ${code}`, async () => {
      assert.deepEqual(await importProblems(path, code), []);
    });
  }
});

describe('lint: one import style', () => {
  it('a static relative import in TypeScript carries no .js suffix; dynamic import() keeps it', async () => {
    const [result] = await eslint.lintText(
      "import { a } from './clock.js';\nexport const load = () => import('./clock.js');\nvoid a;\n",
      { filePath: join(root, 'runtime/control/params.ts') },
    );
    const messages = (result?.messages ?? []).filter((m) => m.ruleId === 'openrtc/imports');
    assert.deepEqual(
      messages.map((m) => m.line),
      [1],
    );
    assert.match(messages[0]?.message ?? '', /carries a \.js suffix/);
  });
});
