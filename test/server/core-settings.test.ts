import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkspaceAnalysis } from '../../server/core/workspace-analysis';
import { defaultDiagnosticsSettings } from '../../protocol/lsp-settings';
import { blocking, file, fn, local, testRules } from './core-summaries';

const sleeper = (suppressions: { line: number; codes: string[] }[]) =>
  file(
    '/ws/a.py',
    'python',
    [
      fn('entry', 1, [blocking(2, 'ORP101', 'time.sleep'), local(3, 'helper')], { isAsync: true }),
      fn('helper', 5, [blocking(6, 'ORP101', 'time.sleep')]),
    ],
    { suppressions },
  );

function codes(suppressions: { line: number; codes: string[] }[], honourNoqa = true): string[] {
  const a = new WorkspaceAnalysis(['/ws'], testRules);
  a.settings = { ...defaultDiagnosticsSettings, honourNoqa };
  a.update(sleeper(suppressions));
  return a.findings('/ws/a.py').map((f) => `${f.code}@${f.range.start.line}`);
}

test('suppressions: by code, all codes, and a suppressed blocking call inside a helper breaks the chain', () => {
  assert.deepEqual(codes([]), ['ORP101@2', 'ORP100@3']);
  assert.deepEqual(codes([{ line: 2, codes: ['ORP101'] }]), ['ORP100@3']);
  assert.deepEqual(codes([{ line: 2, codes: ['ORP999'] }]), ['ORP101@2', 'ORP100@3']);
  assert.deepEqual(codes([{ line: 3, codes: ['ORP100'] }]), ['ORP101@2']);
  assert.deepEqual(codes([{ line: 3, codes: [] }]), ['ORP101@2']);
  assert.deepEqual(codes([{ line: 6, codes: ['ORP101'] }]), ['ORP101@2']);
});

test('`# noqa: ASYNC251` suppresses the rule that covers ruff ASYNC251 only while honourNoqa is on', () => {
  assert.deepEqual(codes([{ line: 2, codes: ['ASYNC251'] }]), ['ORP100@3']);
  assert.deepEqual(codes([{ line: 2, codes: ['ASYNC230'] }]), ['ORP101@2', 'ORP100@3']);
  assert.deepEqual(codes([{ line: 2, codes: ['ASYNC251'] }], false), ['ORP101@2', 'ORP100@3']);
});

test('severity: rule default, per-code override, off, and enable=false', () => {
  const a = new WorkspaceAnalysis(['/ws'], testRules);
  a.update(sleeper([]));
  assert.deepEqual(
    a.findings('/ws/a.py').map((f) => f.severity),
    ['warning', 'warning'],
  );
  a.settings = { ...defaultDiagnosticsSettings, severity: { ORP101: 'error', ORP100: 'hint' } };
  assert.deepEqual(
    a.findings('/ws/a.py').map((f) => f.severity),
    ['error', 'hint'],
  );
  a.settings = { ...defaultDiagnosticsSettings, severity: { ORP100: 'off' } };
  assert.deepEqual(
    a.findings('/ws/a.py').map((f) => f.code),
    ['ORP101'],
  );
  a.settings = { ...defaultDiagnosticsSettings, enable: false };
  assert.deepEqual(a.findings('/ws/a.py'), []);
});

test('a settings change to honourNoqa takes effect on the transitive closure too', () => {
  const a = new WorkspaceAnalysis(['/ws'], testRules);
  a.update(sleeper([{ line: 6, codes: ['ASYNC251'] }]));
  assert.deepEqual(
    a.findings('/ws/a.py').map((f) => f.code),
    ['ORP101'],
  );
  a.settings = { ...defaultDiagnosticsSettings, honourNoqa: false };
  assert.deepEqual(
    a.findings('/ws/a.py').map((f) => f.code),
    ['ORP101', 'ORP100'],
  );
});
