import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolvePythonModule, resolveScriptModule } from '../../server/core/resolve';
import { WorkspaceAnalysis } from '../../server/core/workspace-analysis';
import { blocking, file, fn, imported, testRules } from './core-summaries';

const existsIn =
  (...paths: string[]) =>
  (p: string) =>
    paths.includes(p);

test('TS/JS specifiers: extensionless, explicit, /index.*, .js naming a .ts source; packages never', () => {
  const exists = existsIn('/ws/src/a.ts', '/ws/src/util/index.tsx', '/ws/src/b.mjs', '/ws/src/c.ts', '/ws/lib.cjs');
  assert.equal(resolveScriptModule('/ws/src/main.ts', './a', exists), '/ws/src/a.ts');
  assert.equal(resolveScriptModule('/ws/src/main.ts', './util', exists), '/ws/src/util/index.tsx');
  assert.equal(resolveScriptModule('/ws/src/main.ts', './b.mjs', exists), '/ws/src/b.mjs');
  assert.equal(resolveScriptModule('/ws/src/main.ts', './c.js', exists), '/ws/src/c.ts');
  assert.equal(resolveScriptModule('/ws/src/main.ts', '../lib.cjs', exists), '/ws/lib.cjs');
  assert.equal(resolveScriptModule('/ws/src/main.ts', './missing', exists), null);
  assert.equal(resolveScriptModule('/ws/src/main.ts', 'a', exists), null);
  assert.equal(resolveScriptModule('/ws/src/main.ts', 'node:fs', exists), null);
});

test('Python modules: relative dots, packages, the file folder first, then the workspace roots', () => {
  const exists = existsIn(
    '/ws/app/helpers.py',
    '/ws/app/pkg/__init__.py',
    '/ws/app/pkg/db.py',
    '/ws/shared/util.py',
    '/ws/top.py',
  );
  const from = '/ws/app/agent.py';
  const roots = ['/ws', '/ws/shared'];
  assert.equal(resolvePythonModule(from, '.helpers', roots, exists), '/ws/app/helpers.py');
  assert.equal(resolvePythonModule('/ws/app/pkg/db.py', '..helpers', roots, exists), '/ws/app/helpers.py');
  assert.equal(resolvePythonModule(from, 'helpers', roots, exists), '/ws/app/helpers.py');
  assert.equal(resolvePythonModule(from, 'pkg.db', roots, exists), '/ws/app/pkg/db.py');
  assert.equal(resolvePythonModule(from, 'pkg', roots, exists), '/ws/app/pkg/__init__.py');
  assert.equal(resolvePythonModule(from, 'app.helpers', roots, exists), '/ws/app/helpers.py');
  assert.equal(resolvePythonModule(from, 'util', roots, exists), '/ws/shared/util.py');
  assert.equal(resolvePythonModule(from, 'top', roots, exists), '/ws/top.py');
  assert.equal(resolvePythonModule(from, '.', roots, exists), null);
  assert.equal(resolvePythonModule('/ws/app/pkg/db.py', '.', roots, exists), '/ws/app/pkg/__init__.py');
  assert.equal(resolvePythonModule(from, 'requests', roots, exists), null);
  assert.equal(resolvePythonModule(from, '../etc/passwd', roots, exists), null);
});

test('dependents: importers transitively; a new file makes a dangling import resolve', () => {
  const a = new WorkspaceAnalysis(['/ws'], testRules);
  const leaf = file('/ws/leaf.py', 'python', [fn('slow', 1, [blocking(2, 'ORP101', 'time.sleep')])], {
    exports: { slow: 'slow' },
  });
  a.update(file('/ws/mid.py', 'python', [fn('go', 1, [imported(2, 'leaf', 'slow')])], { exports: { go: 'go' } }));
  a.update(file('/ws/top.py', 'python', [fn('entry', 1, [imported(2, '.mid', 'go')], { isAsync: true })]));
  a.update(file('/ws/other.py', 'python', []));
  assert.deepEqual(a.findings('/ws/top.py'), []);
  a.update(leaf);
  assert.deepEqual([...a.dependentsOf('/ws/leaf.py')].sort(), ['/ws/mid.py', '/ws/top.py']);
  assert.deepEqual(
    a.findings('/ws/top.py').map((f) => f.chainText),
    ['entry → go() → slow() → time.sleep'],
  );
  a.update(file('/ws/mid.py', 'python', [fn('go', 1, [])], { exports: { go: 'go' } }));
  assert.deepEqual([...a.dependentsOf('/ws/leaf.py')], [], 'an edit that drops the import drops the edge');
  a.update(file('/ws/mid.py', 'python', [fn('go', 1, [imported(2, 'leaf', 'slow')])], { exports: { go: 'go' } }));
  assert.deepEqual([...a.dependentsOf('/ws/leaf.py')].sort(), ['/ws/mid.py', '/ws/top.py']);
  a.remove('/ws/leaf.py');
  assert.deepEqual(a.findings('/ws/top.py'), []);
});
