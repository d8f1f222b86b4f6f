// Quick fixes from the Python front end, applied to the text: the result must be the intended
// Python, and no fix is offered where the rewrite would not be mechanical.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { FixSuggestion, TextEdit } from '../../server/analysis/summary';
import { analyzePythonStrict, initPython, nodeModulesWasmLocation } from '../../server/frontends/python';

const root = join(__dirname, '..', '..');

function offsetOf(lines: string[], line: number, character: number): number {
  let offset = 0;
  for (let i = 0; i < line; i++) offset += (lines[i] ?? '').length + 1;
  return offset + character;
}

/** Applies non-overlapping edits, last first, as an editor would. */
function apply(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const located = edits.map((e) => ({
    from: offsetOf(lines, e.range.start.line, e.range.start.character),
    to: offsetOf(lines, e.range.end.line, e.range.end.character),
    newText: e.newText,
  }));
  located.sort((a, b) => b.from - a.from);
  let out = text;
  for (const e of located) out = out.slice(0, e.from) + e.newText + out.slice(e.to);
  return out;
}

/** Every fix offered in the file, in call order. */
function fixes(text: string): FixSuggestion[] {
  const summary = analyzePythonStrict('/ws/a.py', text, { moduleLevelIsLoop: false });
  return summary.functions.flatMap((f) => f.calls.flatMap((c) => (c.callee.kind === 'blocking' ? c.callee.fixes : [])));
}

function fixed(text: string): string {
  const [fix, ...rest] = fixes(text);
  assert.ok(fix, 'expected a fix');
  assert.equal(rest.length, 0, 'expected exactly one fix');
  return apply(text, fix.edits);
}

describe('python quick fixes', () => {
  before(() => initPython(nodeModulesWasmLocation(root)));

  it('rewrites time.sleep to await asyncio.sleep, reusing an asyncio import', () => {
    const text = 'import asyncio\nimport time\n\nasync def f():\n    time.sleep(0.5)\n';
    assert.equal(fixed(text), 'import asyncio\nimport time\n\nasync def f():\n    await asyncio.sleep(0.5)\n');
    const [fix] = fixes(text);
    assert.equal(fix?.preferred, true);
  });

  it('respects the alias asyncio is imported under, and the alias used for sleep', () => {
    const text = 'import asyncio as aio\nfrom time import sleep as nap\n\nasync def f():\n    x = nap(1)\n';
    assert.equal(
      fixed(text),
      'import asyncio as aio\nfrom time import sleep as nap\n\nasync def f():\n    x = await aio.sleep(1)\n',
    );
  });

  it('adds import asyncio before the first import, after a docstring and __future__ imports', () => {
    assert.equal(
      fixed('"""Agent."""\nfrom __future__ import annotations\nimport time\n\nasync def f():\n    time.sleep(1)\n'),
      '"""Agent."""\nfrom __future__ import annotations\nimport asyncio\nimport time\n\nasync def f():\n    await asyncio.sleep(1)\n',
    );
    assert.equal(
      fixed(
        '"""Agent."""\nfrom __future__ import annotations\n\nasync def f():\n    __import__("time")\n    time = 1\n    time_mod.sleep(1)\n    import time as t\n    t.sleep(1)\n',
      ),
      '"""Agent."""\nfrom __future__ import annotations\nimport asyncio\n\nasync def f():\n    __import__("time")\n    time = 1\n    time_mod.sleep(1)\n    import time as t\n    await asyncio.sleep(1)\n',
    );
  });

  it('uses an asyncio imported inside the function without adding another import', () => {
    assert.equal(
      fixed('import time\nasync def f():\n    import asyncio\n    time.sleep(1)\n'),
      'import time\nasync def f():\n    import asyncio\n    await asyncio.sleep(1)\n',
    );
  });

  it('offers no sleep fix where await cannot go or would change meaning', () => {
    assert.equal(fixes('import time\ndef f():\n    time.sleep(1)\n').length, 0, 'sync def');
    assert.equal(
      fixes('import time\nasync def f():\n    return time.sleep(1).real\n').length,
      0,
      'attribute of the result',
    );
    assert.equal(fixes('import time\nasync def f():\n    g(time.sleep(1))\n').length, 0, 'argument');
    assert.equal(
      fixes('import time\nasync def f(asyncio):\n    time.sleep(1)\n').length,
      0,
      'asyncio is a parameter here',
    );
  });

  it('wraps a blocking call in await asyncio.to_thread, keeping arguments and keywords', () => {
    assert.equal(
      fixed('import requests\n\nasync def f(url):\n    r = requests.get(url, timeout=5,)\n'),
      'import asyncio\nimport requests\n\nasync def f(url):\n    r = await asyncio.to_thread(requests.get, url, timeout=5)\n',
    );
    assert.equal(
      fixed('import asyncio\nasync def f():\n    return input()\n'),
      'import asyncio\nasync def f():\n    return await asyncio.to_thread(input)\n',
    );
    const [wrap] = fixes('import asyncio\nasync def f():\n    input()\n');
    assert.equal(wrap?.preferred, false);
  });

  it('does not wrap calls that must stay on their thread or whose callee would be evaluated differently', () => {
    assert.equal(
      fixes('import sqlite3\nasync def f():\n    sqlite3.connect("x")\n').length,
      0,
      'sqlite3 objects are thread-bound',
    );
    assert.equal(fixes('async def f():\n    open("x")\n').length, 0, 'the file would still be read on the loop');
    assert.equal(
      fixes('import httpx\nasync def f():\n    httpx.Client().get("u")\n').length,
      0,
      'callee contains a call',
    );
    assert.equal(
      fixes('import subprocess\nasync def f():\n    subprocess.run(x for x in y)\n').length,
      0,
      'bare generator argument',
    );
    assert.equal(
      fixes('import subprocess\nasync def f():\n    subprocess.run(\n        ["ls"],  # list\n    )\n').length,
      0,
      'comment in arguments',
    );
  });
});
