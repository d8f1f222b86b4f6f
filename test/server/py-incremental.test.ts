// The Python front end replays unchanged top-level defs after an edit (unit-memo.ts). Whatever
// the edit, the summary must be exactly what a fresh analysis of the same text gives: random
// edit sequences on real agent files, each step compared with a fresh analysis.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { analyzePythonStrict, initPython, memoStats, nodeModulesWasmLocation } from '../../server/frontends/python';
import { pythonSeeds } from './fuzz-seeds';
import { mutatedSource } from './fuzz-mutations';

const OPTIONS = { moduleLevelIsLoop: false, honourNoqa: true };

/** Lines that reach across defs: bindings, registrations, duplicates, suppressions, classes. */
const snippets = [
  '# a comment',
  '',
  'import os',
  'import time as t',
  'from time import sleep as nap',
  'nap = print',
  'x = sqlite3.connect("db")',
  'def load():\n    return 1',
  'def helper():\n    t.sleep(1)',
  'async def entrypoint(ctx):\n    helper()\n    load()',
  '@room.on("track_subscribed")\ndef on_track(track):\n    helper()',
  'room.on("data", parse)',
  'server = WorkerOptions(entrypoint_fnc=parse)',
  '    t.sleep(1)',
  '    await asyncio.sleep(1)',
  '    helper()  # noqa: ASYNC251',
  '    # openrtc: ignore[ORP101]',
  '    global lock',
  '    room.on("x", lambda: t.sleep(1))',
  '    cb = lambda: helper()',
  'class Store:\n    def get(self):\n        t.sleep(1)',
  'async def use_store():\n    Store().get()',
  '    sock.setblocking(False)',
  '"""docstring"""',
  'def load():\n    t.sleep(2)',
];

type Edit = { kind: 'insert' | 'replace' | 'delete'; at: number; snippet: string } | { kind: 'mutate'; text: string };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constantFrom('insert' as const, 'replace' as const, 'delete' as const),
      at: fc.nat(),
      snippet: fc.constantFrom(...snippets),
    }),
  },
  { weight: 1, arbitrary: mutatedSource(['x']).map((text) => ({ kind: 'mutate' as const, text })) },
);

function applyEdit(text: string, e: Edit): string {
  if (e.kind === 'mutate') return text + e.text; // a stray tail: syntax errors come and go
  const lines = text.split('\n');
  const at = e.at % (lines.length + 1);
  if (e.kind === 'insert') lines.splice(at, 0, e.snippet);
  else if (e.kind === 'replace') lines.splice(at, 1, e.snippet);
  else lines.splice(at, 1);
  return lines.join('\n');
}

let fresh = 0;
/** The same text analysed under a path never seen before: no tree, no memo. */
function freshAnalysis(text: string): ReturnType<typeof analyzePythonStrict> {
  const summary = analyzePythonStrict(`/fresh/agent_${fresh++}.py`, text, OPTIONS);
  return summary;
}

describe('python incremental analysis', () => {
  before(async () => {
    await initPython(nodeModulesWasmLocation(path.join(__dirname, '..', '..')));
  });

  it('after every edit of a random sequence, the summary equals a fresh analysis of the same text', () => {
    const replayedBefore = memoStats.replayedDefs;
    let steps = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...pythonSeeds()),
        fc.array(edit, { minLength: 1, maxLength: 12 }),
        fc.nat(),
        (seed, edits, id) => {
          const file = `/edited/agent_${id}.py`;
          let text = seed;
          analyzePythonStrict(file, text, OPTIONS);
          for (const e of edits) {
            text = applyEdit(text, e);
            const incremental = analyzePythonStrict(file, text, OPTIONS);
            const expected = { ...freshAnalysis(text), path: file };
            // With syntax errors the memo is not used, and tree-sitter's error recovery after an
            // incremental re-parse may differ from a fresh parse's (an older, separate matter).
            if (expected.parseErrors > 0) continue;
            assert.deepEqual(incremental, expected, `after ${JSON.stringify(e)}`);
            steps++;
          }
        },
      ),
      {
        numRuns: Number(process.env['OPENRTC_FUZZ_RUNS'] ?? 300),
        seed: Number(process.env['OPENRTC_FUZZ_SEED'] ?? 20261129),
      },
    );
    const replayed = memoStats.replayedDefs - replayedBefore;
    console.log(`python incremental: ${steps} edits compared with fresh analyses, ${replayed} defs replayed`);
    assert.ok(replayed > steps / 2, `${replayed} defs replayed in ${steps} edits`);
  });

  it('an edit inside one def of a long file replays every other def', () => {
    const defs = Array.from(
      { length: 200 },
      (_, i) =>
        `async def turn_${i}(ctx):\n    t.sleep(0.1)\n    return _helper_${i}()\n\ndef _helper_${i}():\n    return subprocess.run(["ls"])\n`,
    );
    const base = `import time as t\nimport subprocess\n\n${defs.join('\n')}`;
    const file = '/edited/long.py';
    analyzePythonStrict(file, base, OPTIONS);
    analyzePythonStrict(
      file,
      base.replace('turn_7(ctx):\n    t.sleep(0.1)', 'turn_7(ctx):\n    t.sleep(0.2)'),
      OPTIONS,
    );
    const before = memoStats.replayedDefs;
    const edited = base.replace('turn_7(ctx):\n    t.sleep(0.1)', 'turn_7(ctx):\n    pass\n    t.sleep(0.3)');
    const summary = analyzePythonStrict(file, edited, OPTIONS);
    assert.equal(memoStats.replayedDefs - before, 399, 'all 400 defs but the edited one');
    assert.deepEqual(summary, { ...freshAnalysis(edited), path: file });
  });
});
