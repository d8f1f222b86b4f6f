// What the Python summary tells the core: local chains, import callees, exports, loop-root
// kinds, module level, positions in UTF-16, parse errors.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Callee, FileSummary, FunctionSummary } from '../../server/analysis/summary';
import { analyzePythonStrict, initPython, nodeModulesWasmLocation } from '../../server/frontends/python';

const root = join(__dirname, '..', '..');
const analyze = (text: string, moduleLevelIsLoop = false): FileSummary =>
  analyzePythonStrict('/ws/agent.py', text, { moduleLevelIsLoop });

function fn(summary: FileSummary, id: string): FunctionSummary {
  const found = summary.functions.find((f) => f.id === id);
  assert.ok(found, `no function ${id} in ${summary.functions.map((f) => f.id).join(', ')}`);
  return found;
}
const callees = (f: FunctionSummary): Callee[] => f.calls.map((c) => c.callee);
const strip = (c: Callee): unknown => (c.kind === 'blocking' ? { kind: c.kind, code: c.code, api: c.api } : c);

describe('python summary', () => {
  before(() => initPython(nodeModulesWasmLocation(root)));

  it('shows a helper chain two levels deep as local calls ending in the blocking call', () => {
    const s = analyze(
      'import time\n\ndef leaf():\n    time.sleep(1)\n\ndef middle():\n    leaf()\n\nasync def entry(ctx):\n    middle()\n',
    );
    assert.deepEqual(callees(fn(s, 'entry')), [{ kind: 'local', functionId: 'middle' }]);
    assert.deepEqual(callees(fn(s, 'middle')), [{ kind: 'local', functionId: 'leaf' }]);
    assert.deepEqual(callees(fn(s, 'leaf')).map(strip), [{ kind: 'blocking', code: 'ORP101', api: 'time.sleep' }]);
    assert.equal(fn(s, 'entry').loopRoot, 'async');
    assert.equal(fn(s, 'middle').loopRoot, null);
    assert.deepEqual(fn(s, 'entry').range, { start: { line: 8, character: 10 }, end: { line: 8, character: 15 } });
  });

  it('names imported callees by module and exported name, relative imports included', () => {
    const s = analyze(
      [
        'import pkg.util',
        'import helpers as h',
        'from . import db',
        'from .models import Repo',
        'from ..shared.config import load as load_cfg',
        'async def entry():',
        '    pkg.util.read()',
        '    h.load()',
        '    db.connect()',
        '    Repo.fetch()',
        '    load_cfg()',
        '    json.loads("1")',
      ].join('\n'),
    );
    assert.deepEqual(callees(fn(s, 'entry')), [
      { kind: 'import', module: 'pkg.util', name: 'read' },
      { kind: 'import', module: 'helpers', name: 'load' },
      { kind: 'import', module: '.db', name: 'connect' },
      { kind: 'import', module: '.models', name: 'Repo.fetch' },
      { kind: 'import', module: '..shared.config', name: 'load' },
    ]);
  });

  it('puts calls in defaults, decorators and base classes where the definition is, and body calls in the new function', () => {
    const s = analyze(
      [
        'import time',
        'def make():',
        '    return 1',
        'async def outer():',
        '    @register(time.sleep(1))',
        '    def inner(x=make(), y=lambda z=make(): time.sleep(z)):',
        '        time.sleep(2)',
        '    class Box(base(make())):',
        '        size = make()',
        '        def get(self, n=make()):',
        '            time.sleep(3)',
        '    make()',
      ].join('\n'),
    );
    const lines = (id: string): number[] => fn(s, id).calls.map((c) => c.range.start.line);
    assert.deepEqual(lines('outer'), [4, 5, 5, 7, 8, 9, 11]); // line 5: `x=make()` and the lambda's `z=make()`
    assert.deepEqual(lines('outer.<lambda>'), [5]); // a default's lambda is made in outer
    assert.deepEqual(lines('outer.inner'), [6]);
    assert.deepEqual(lines('outer.Box.get'), [10]);
  });

  it('does not report calls into the standard library as workspace imports', () => {
    const s = analyze('import json, logging\nasync def f():\n    json.loads("1")\n    logging.getLogger("x")\n');
    assert.deepEqual(fn(s, 'f').calls, []);
  });

  it('exports top-level functions, class methods and constructors', () => {
    const s = analyze(
      'def load():\n    pass\nclass Repo:\n    def __init__(self):\n        pass\n    def get(self):\n        pass\ndef _private():\n    pass\n',
    );
    assert.deepEqual(s.exports, {
      load: 'load',
      'Repo.__init__': 'Repo.__init__',
      'Repo.get': 'Repo.get',
      Repo: 'Repo.__init__',
      _private: '_private',
    });
  });

  it('resolves self.method(), Class() and instance methods to local functions', () => {
    const s = analyze(
      'class A:\n    def __init__(self):\n        self.setup()\n    def setup(self):\n        pass\n    @staticmethod\n    def util(x):\n        x.setup()\nasync def go():\n    a = A()\n    a.setup()\n',
    );
    assert.deepEqual(callees(fn(s, 'A.__init__')), [{ kind: 'local', functionId: 'A.setup' }]);
    assert.deepEqual(callees(fn(s, 'A.util')), []);
    assert.deepEqual(callees(fn(s, 'go')), [
      { kind: 'local', functionId: 'A.__init__' },
      { kind: 'local', functionId: 'A.setup' },
    ]);
  });

  it('keeps a call to an async local function as a local call (the core sees isAsync)', () => {
    const s = analyze('async def helper():\n    pass\nasync def main():\n    await helper()\n');
    assert.deepEqual(callees(fn(s, 'main')), [{ kind: 'local', functionId: 'helper' }]);
    assert.equal(fn(s, 'helper').isAsync, true);
  });

  it('labels each kind of loop root', () => {
    const s = analyze(
      [
        'def on_evt(e): pass',
        'def tick(): pass',
        'def done(f): pass',
        'def entry(ctx): pass',
        'def plain(): pass',
        'async def main(room, loop, fut):',
        '    room.on("evt", on_evt)',
        '    loop.call_at(10, tick)',
        '    fut.add_done_callback(done)',
        'opts = WorkerOptions(entrypoint_fnc=entry)',
      ].join('\n'),
    );
    const kinds = Object.fromEntries(s.functions.map((f) => [f.id, f.loopRoot]));
    assert.deepEqual(kinds, {
      '<module>': null,
      on_evt: 'event-handler',
      tick: 'timer',
      done: 'then',
      entry: 'entry',
      plain: null,
      main: 'async',
    });
  });

  it('treats module top level as loop code only when asked', () => {
    const text = 'import time\ntime.sleep(1)\n';
    assert.equal(fn(analyze(text), '<module>').loopRoot, null);
    assert.equal(fn(analyze(text, true), '<module>').loopRoot, 'module');
    assert.equal(fn(analyze(text), '<module>').calls.length, 1);
  });

  it('reports positions in UTF-16 code units, as LSP does', () => {
    const s = analyze('import time\nasync def f():\n    x = "é😀"; time.sleep(1)\n');
    assert.deepEqual(fn(s, 'f').calls[0]?.range.start, { line: 2, character: 15 });
  });

  it('counts syntax errors and still finds what it can', () => {
    const s = analyze('import time\nasync def f(:\n    pass\nasync def g():\n    time.sleep(1)\n');
    assert.ok(s.parseErrors > 0);
    assert.deepEqual(callees(fn(s, 'g')).map(strip), [{ kind: 'blocking', code: 'ORP101', api: 'time.sleep' }]);
  });

  it('gives duplicate definitions distinct ids', () => {
    const s = analyze('def f():\n    pass\ndef f():\n    pass\n');
    assert.deepEqual(
      s.functions.map((f) => f.id),
      ['<module>', 'f', 'f@3:1'],
    );
    assert.equal(s.exports.f, 'f@3:1');
  });
});
