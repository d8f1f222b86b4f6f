// The Python front end's memo records outlive the text they were made from. A record that kept
// a slice of one version of the file (a comment, a fix's text, an imported name) kept that whole
// version alive, since a string sliced from another shares its characters: a 2,000-line file
// edited 2,400 times held 40 old copies of itself. Here the copies are counted in a heap snapshot.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { getHeapSnapshot } from 'node:v8';
import { before, it } from 'node:test';
import { analyzePythonStrict, initPython, nodeModulesWasmLocation } from '../../server/frontends/python';
import { fileOfLines } from '../../bench/lsp/corpus';

/** Strings on the heap whose size is that of the file's text (one byte per character, plus a header). */
async function copiesOfTextSize(length: number): Promise<number> {
  const chunks: Buffer[] = [];
  for await (const chunk of getHeapSnapshot()) chunks.push(chunk as Buffer);
  const snapshot = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
  };
  const fields = snapshot.snapshot.meta.node_fields;
  const type = fields.indexOf('type');
  const size = fields.indexOf('self_size');
  const stringType = snapshot.snapshot.meta.node_types[0].indexOf('string');
  let copies = 0;
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const bytes = snapshot.nodes[i + size] ?? 0;
    if (snapshot.nodes[i + type] === stringType && bytes >= length && bytes <= length + 64) copies++;
  }
  return copies;
}

before(async () => {
  await initPython(nodeModulesWasmLocation(path.join(__dirname, '..', '..')));
});

it('python: 300 edits, each on another line, leave no old version of the file alive through the memo', async () => {
  const lines = fileOfLines('python', 2000).split('\n');
  let text = '';
  for (let i = 0; i < 300; i++) {
    const edited = lines.slice();
    const at = (i * 7919) % edited.length;
    edited[at] = `${edited[at] ?? ''}  # edit ${String(i).padStart(3, '0')}`;
    text = edited.join('\n');
    analyzePythonStrict('/memo-memory/agent.py', text, { moduleLevelIsLoop: false, honourNoqa: true });
  }
  const copies = await copiesOfTextSize(text.length);
  console.log(`python: ${copies} strings of the file's size on the heap after 300 edits`);
  // The current text (the parse cache's, and tree-sitter's input) may be there; old versions may not.
  assert.ok(copies <= 3, `${copies} strings of the file's size: old versions are kept alive`);
});
