// The TypeScript front end replays unchanged top-level statements after an edit
// (statement-memo.ts). Whatever the edit, the summary must be exactly what a fresh analysis of
// the same text gives: random edit sequences on real agent files, each step compared with a
// fresh analysis.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { analyzeTypeScriptStrict, memoStats } from '../../server/frontends/typescript';
import { typeScriptSeeds } from './fuzz-seeds';
import { mutatedSource } from './fuzz-mutations';

/** Lines that reach across statements: imports, bindings, registrations, exports, suppressions, classes. */
const snippets = [
  '// a comment',
  '',
  "import { readFileSync as r } from 'node:fs';",
  "import * as cp from 'child_process';",
  "const fs = require('fs');",
  'const r = console.log;',
  'function load() { return 1; }',
  "function helper() { return r('x'); }",
  'async function entry(ctx) { helper(); load(); }',
  "room.on('track', helper);",
  "room.on('track', () => helper());",
  'setTimeout(load, 10);',
  'export { helper as h };',
  'export default helper;',
  '  helper();',
  "  cp.execSync('ls');",
  "  const p = await readFile('p');",
  '  // openrtc-ignore-next-line ORJ100',
  'var load = 2;',
  'class Store { get() { return r("x"); } static make() { return new Store(); } }',
  'async function useStore() { new Store().get(); Store.make(); }',
  "const api = { fetch() { return fs.readFileSync('x'); } };",
  'async function viaApi() { api.fetch(); }',
  'module.exports = { helper, load };',
  'while (Date.now() < deadline) {}',
  'new Worker(() => helper());',
  'const pool = new Piscina(); pool.run(helper);',
  '}',
  '{',
  'export const handler = async () => { helper(); };',
  'queueMicrotask(load);',
  "const { execSync } = require('node:child_process');",
];

type Edit =
  | { kind: 'insert' | 'replace' | 'delete'; at: number; snippet: string }
  | { kind: 'type'; at: number; column: number; chars: string }
  | { kind: 'mutate'; text: string };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constantFrom('insert' as const, 'replace' as const, 'delete' as const),
      at: fc.nat(),
      snippet: fc.constantFrom(...snippets),
    }),
  },
  // A keystroke or two inside a line: lengths change, lines stay where they are.
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('type' as const),
      at: fc.nat(),
      column: fc.nat(),
      chars: fc.constantFrom('x', ' ', 'Sync', '(', ')', ';', '"', '/*', 'await '),
    }),
  },
  { weight: 1, arbitrary: mutatedSource(['x']).map((text) => ({ kind: 'mutate' as const, text })) },
);

function applyEdit(text: string, e: Edit): string {
  if (e.kind === 'mutate') return text + e.text; // a stray tail: syntax errors come and go
  const lines = text.split('\n');
  const at = e.at % (lines.length + 1);
  if (e.kind === 'type') {
    const line = lines[at] ?? '';
    const column = e.column % (line.length + 1);
    lines[at] = line.slice(0, column) + e.chars + line.slice(column);
  } else if (e.kind === 'insert') lines.splice(at, 0, e.snippet);
  else if (e.kind === 'replace') lines.splice(at, 1, e.snippet);
  else lines.splice(at, 1);
  return lines.join('\n');
}

/**
 * The compiler's incremental parser can report a different number of syntax errors than a
 * fresh parse of the same text (seen: 1 against 2 for a stray `{`), so only "has errors" is
 * compared; everything the analysis derives must be equal.
 */
function comparable(summary: ReturnType<typeof analyzeTypeScriptStrict>): unknown {
  return { ...summary, parseErrors: summary.parseErrors > 0 };
}

/**
 * The summary, or that the analysis threw: the compiler's parser itself fails an assert on a
 * few broken texts (`@room.on("x")\nawait x` in TypeScript 5.9.3), fresh or incremental alike.
 */
function outcome(analyse: () => ReturnType<typeof analyzeTypeScriptStrict>): unknown {
  try {
    return comparable(analyse());
  } catch (error) {
    return { threw: error instanceof Error ? error.message : String(error) };
  }
}

let fresh = 0;
/** The same text analysed under a path never seen before: no tree, no memo. */
function freshAnalysis(
  text: string,
  file: string,
  options: { moduleLevelIsLoop: boolean },
): ReturnType<typeof analyzeTypeScriptStrict> {
  const extension = file.slice(file.lastIndexOf('.'));
  return { ...analyzeTypeScriptStrict(`/fresh/agent_${fresh++}${extension}`, text, options), path: file };
}

/** Analyses `seed`, then each edit in turn, comparing every step with a fresh analysis; returns the last text. */
function editsMatchFresh(
  file: string,
  seed: string,
  edits: readonly Edit[],
  options: { moduleLevelIsLoop: boolean },
): string {
  let text = seed;
  analyzeTypeScriptStrict(file, text, options);
  for (const e of edits) {
    text = applyEdit(text, e);
    assert.deepEqual(
      outcome(() => analyzeTypeScriptStrict(file, text, options)),
      outcome(() => freshAnalysis(text, file, options)),
      `after ${JSON.stringify(e)}`,
    );
  }
  return text;
}

describe('typescript incremental analysis', () => {
  it('after every edit of a random sequence, the summary equals a fresh analysis of the same text', () => {
    const replayedBefore = memoStats.replayedStatements;
    let steps = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...typeScriptSeeds()),
        fc.array(edit, { minLength: 1, maxLength: 12 }),
        fc.nat(),
        fc.constantFrom('.ts', '.js'),
        fc.boolean(),
        (seed, edits, id, extension, moduleLevelIsLoop) => {
          editsMatchFresh(`/edited/agent_${id}${extension}`, seed, edits, { moduleLevelIsLoop });
          steps += edits.length;
        },
      ),
      {
        numRuns: Number(process.env['OPENRTC_FUZZ_RUNS'] ?? 300),
        seed: Number(process.env['OPENRTC_FUZZ_SEED'] ?? 20261130),
      },
    );
    const replayed = memoStats.replayedStatements - replayedBefore;
    console.log(`typescript incremental: ${steps} edits compared with fresh analyses, ${replayed} statements replayed`);
    assert.ok(replayed > steps, `${replayed} statements replayed in ${steps} edits`);
  });

  it('a broken class whose members the parser repeats as statements out of text order replays nothing', () => {
    // Found by the property test: error recovery listed `class Svc {( …` and then its members
    // again as top-level statements, overlapping it; a record replayed there took another id.
    const [seed] = typeScriptSeeds();
    assert.ok(seed !== undefined);
    const edits: Edit[] = [
      { kind: 'insert', at: 0, snippet: '// a comment' },
      { kind: 'type', at: 979432825, column: 43250723, chars: 'await ' },
      { kind: 'insert', at: 0, snippet: '// a comment' },
      { kind: 'type', at: 1440461751, column: 660409571, chars: '(' },
      { kind: 'type', at: 85042043, column: 814477475, chars: 'x' },
    ];
    const text = editsMatchFresh('/edited/broken-class.ts', seed, edits, { moduleLevelIsLoop: false });
    assert.match(text, /class Svc \{\(/);
  });

  it("falls back to a fresh parse where the compiler's incremental parser fails an assert", () => {
    // Found by the property test: after these keystrokes updateSourceFile throws "Debug
    // Failure. Expected 613 <= 602" while a fresh parse of the same text succeeds.
    const seed = typeScriptSeeds().find((s) => s.startsWith('// Functions handed to a worker run off the loop'));
    assert.ok(seed !== undefined);
    const edits: Edit[] = [
      { kind: 'type', at: 2028378644, column: 0, chars: 'await ' },
      { kind: 'type', at: 1448020935, column: 1563414363, chars: '(' },
      { kind: 'insert', at: 1303874040, snippet: '// a comment' },
    ];
    const text = editsMatchFresh('/edited/worker-offload.ts', seed, edits, { moduleLevelIsLoop: false });
    assert.doesNotThrow(
      () => analyzeTypeScriptStrict('/fresh/worker-offload.ts', text, { moduleLevelIsLoop: false }),
      'the text itself parses',
    );
  });

  it('an edit inside one function of a long file replays every other statement, and a line break above replays them all', () => {
    const functions = Array.from(
      { length: 200 },
      (_, i) =>
        `export async function turn${i}(ctx) {\n  const v = helper${i}();\n  return v;\n}\n\nfunction helper${i}() {\n  return readFileSync('p${i}');\n}\n`,
    );
    const base = `import { readFileSync } from 'node:fs';\n\n${functions.join('\n')}`;
    const file = '/edited/long.ts';
    const options = { moduleLevelIsLoop: false };
    analyzeTypeScriptStrict(file, base, options);
    analyzeTypeScriptStrict(file, base.replace("readFileSync('p7')", "readFileSync('p7', 'utf8')"), options);
    const before = memoStats.replayedStatements;
    // A longer line: every later offset moves, no line does.
    const edited = base.replace("readFileSync('p7')", "readFileSync('prompt-7.txt', 'utf8')");
    const summary = analyzeTypeScriptStrict(file, edited, options);
    assert.equal(memoStats.replayedStatements - before, 400, 'the import and all 400 functions but the edited one');
    assert.deepEqual(summary, freshAnalysis(edited, file, options));

    // A line break typed above every function moves them all down a line: each is replayed, moved.
    const moved = edited.replace('\n\n', '\n\n\n');
    const beforeMove = memoStats.replayedStatements;
    const movedSummary = analyzeTypeScriptStrict(file, moved, options);
    assert.equal(memoStats.replayedStatements - beforeMove, 401, 'every statement');
    assert.deepEqual(movedSummary, freshAnalysis(moved, file, options));
    assert.ok(
      movedSummary.functions.some((fn) =>
        fn.calls.some((call) => call.callee.kind === 'blocking' && call.range.start.line > 1000),
      ),
      'findings far below the edit',
    );
  });
});
