import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkspaceAnalysis } from '../../server/core/workspace-analysis';
import { blocking, file, fn, imported, local, testRules } from './core-summaries';

function analysis(...files: ReturnType<typeof file>[]): WorkspaceAnalysis {
  const a = new WorkspaceAnalysis(['/ws'], testRules);
  for (const f of files) a.update(f);
  return a;
}

test('a blocking call in loop code is reported; the same call in code the loop never runs is not', () => {
  const a = analysis(
    file('/ws/agent.ts', 'typescript', [
      fn('entry', 1, [blocking(2, 'ORJ101', 'fs.readFileSync')], { isAsync: true }),
      fn('startup', 5, [blocking(6, 'ORJ101', 'fs.readFileSync')]),
      fn('<module>', 0, [blocking(9, 'ORJ101', 'fs.readFileSync')]),
    ]),
  );
  const found = a.findings('/ws/agent.ts');
  assert.deepEqual(
    found.map((f) => [f.code, f.range.start.line, f.severity, f.chainText]),
    [['ORJ101', 2, 'warning', 'entry → fs.readFileSync']],
  );
  assert.match(found[0]!.message, /node:fs\/promises/);
});

test('helpers two levels deep in the same file: flagged at the loop call site with the chain', () => {
  const a = analysis(
    file('/ws/agent.py', 'python', [
      fn('entry', 1, [local(2, 'load_config'), local(3, 'harmless')], { isAsync: true }),
      fn('load_config', 5, [local(6, 'parse')]),
      fn('parse', 8, [blocking(9, 'ORP101', 'time.sleep')]),
      fn('harmless', 11, []),
    ]),
  );
  const [only, ...rest] = a.findings('/ws/agent.py');
  assert.equal(rest.length, 0);
  assert.equal(only!.code, 'ORP100');
  assert.equal(only!.blockingCode, 'ORP101');
  assert.equal(only!.range.start.line, 2);
  assert.equal(only!.chainText, 'entry → load_config() → parse() → time.sleep');
  assert.deepEqual(
    only!.chain.map((h) => [h.functionName, h.range.start.line, h.calls]),
    [
      ['load_config', 6, 'parse()'],
      ['parse', 9, 'time.sleep'],
    ],
  );
  assert.match(only!.message, /asyncio\.to_thread\(load_config/);
});

test('a helper in another file, imported through a .js specifier that names a .ts file', () => {
  const a = analysis(
    file('/ws/agents/main.ts', 'typescript', [
      fn('entry', 3, [imported(4, '../lib/config.js', 'loadConfig')], { loopRoot: 'entry' }),
    ]),
    file('/ws/lib/config.ts', 'typescript', [fn('loadConfig', 1, [blocking(2, 'ORJ101', 'fs.readFileSync')])], {
      exports: { loadConfig: 'loadConfig' },
    }),
  );
  const [finding] = a.findings('/ws/agents/main.ts');
  assert.equal(finding?.code, 'ORJ100');
  assert.equal(finding?.chainText, 'entry → loadConfig() → fs.readFileSync');
  assert.equal(finding?.chain[0]?.path, '/ws/lib/config.ts');
});

test('an import of a name the target does not export, or of a package, is not followed', () => {
  const a = analysis(
    file('/ws/a.ts', 'typescript', [
      fn('entry', 1, [imported(2, './b', 'notExported'), imported(3, 'some-package', 'load')], { isAsync: true }),
    ]),
    file('/ws/b.ts', 'typescript', [fn('notExported', 1, [blocking(2, 'ORJ101', 'fs.readFileSync')])]),
  );
  assert.deepEqual(a.findings('/ws/a.ts'), []);
});

test('calling an async function is not a blocking call, even if its body blocks', () => {
  const a = analysis(
    file('/ws/a.py', 'python', [
      fn('entry', 1, [local(2, 'fetch')], { isAsync: true }),
      fn('fetch', 4, [blocking(5, 'ORP101', 'time.sleep')], { isAsync: true }),
    ]),
  );
  const found = a.findings('/ws/a.py');
  assert.deepEqual(
    found.map((f) => [f.code, f.range.start.line]),
    [['ORP101', 5]],
  );
});

test('recursive helpers terminate: a cycle that reaches a blocking call blocks, one that does not, does not', () => {
  const a = analysis(
    file('/ws/a.py', 'python', [
      fn('entry', 1, [local(2, 'ping'), local(3, 'even')], { isAsync: true }),
      fn('ping', 5, [local(6, 'pong')]),
      fn('pong', 8, [local(9, 'ping'), blocking(10, 'ORP101', 'time.sleep')]),
      fn('even', 12, [local(13, 'odd')]),
      fn('odd', 15, [local(16, 'even')]),
    ]),
  );
  const found = a.findings('/ws/a.py');
  assert.deepEqual(
    found.map((f) => [f.range.start.line, f.chainText]),
    [[2, 'entry → ping() → pong() → time.sleep']],
  );
});

test('a sync event handler is loop code too', () => {
  const a = analysis(
    file('/ws/a.ts', 'typescript', [
      fn('onTrack', 1, [blocking(2, 'ORJ101', 'fs.readFileSync')], { loopRoot: 'event-handler' }),
    ]),
  );
  assert.equal(a.findings('/ws/a.ts').length, 1);
});

test("a helper call's offload fixes are offered only when the helper blocks", () => {
  const fix = {
    title: 'Run in a thread',
    preferred: false,
    edits: [{ range: { start: { line: 2, character: 4 }, end: { line: 2, character: 9 } }, newText: 'x' }],
  };
  const withFix = (line: number, functionId: string) => ({
    ...local(line, functionId),
    callee: { kind: 'local' as const, functionId, offloadFixes: [fix] },
  });
  const a = analysis(
    file('/ws/a.py', 'python', [
      fn('entry', 1, [withFix(2, 'slow'), withFix(3, 'quick')], { isAsync: true }),
      fn('slow', 5, [blocking(6, 'ORP101', 'time.sleep')]),
      fn('quick', 8, []),
    ]),
  );
  assert.deepEqual(
    a.findings('/ws/a.py').map((f) => [f.range.start.line, f.fixes]),
    [[2, [fix]]],
  );
});
