// Mutated and truncated sources through the running server over LSP: every edit gets an
// answer (no crash, no hang), within a bound, and the server is still alive at the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { serverOnWorkspace } from './lsp-workspace';
import { mutatedSource } from './fuzz-mutations';
import { pythonSeeds, typeScriptSeeds } from './fuzz-seeds';

/** Per edit, including the round trip; generous because the machine is shared. */
const perEditLimitMs = 5000;

/**
 * OPENRTC_SERVER_FUZZ_CASES per language. Default 1,000: each case is a full LSP round trip
 * (~10-25 ms on the shared 2-core machine), so 5,000 per language takes minutes; the
 * analyzers themselves get 5,000 per language by default in fuzz-analyzers.test.ts.
 */
function serverCases(): number {
  const raw = process.env['OPENRTC_SERVER_FUZZ_CASES'];
  const n = raw === undefined ? 1000 : Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`OPENRTC_SERVER_FUZZ_CASES must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}

const server = serverOnWorkspace({ 'agent.ts': '', 'agent.py': '' });
const { ws } = server;

async function fuzzThroughServer(file: string, languageId: string, seeds: string[]): Promise<void> {
  await server.client.open(file, seeds[0] ?? '', languageId);
  let slowest = 0;
  await fc.assert(
    fc.asyncProperty(mutatedSource(seeds), async (text) => {
      const started = performance.now();
      await server.client.change(file, text);
      const diagnostics = await server.client.pull(file);
      const elapsed = performance.now() - started;
      slowest = Math.max(slowest, elapsed);
      assert.ok(Array.isArray(diagnostics));
      assert.ok(elapsed < perEditLimitMs, `${elapsed.toFixed(0)} ms for ${text.length} characters`);
    }),
    { numRuns: serverCases(), seed: 20261129 },
  );
  const failures = server.client.logs.filter((l) => l.includes('failed'));
  assert.deepEqual(failures, [], 'no handler failed');
  console.log(`${languageId} via LSP: ${serverCases()} edits, slowest round trip ${slowest.toFixed(0)} ms`);
}

test('the server answers every mutated TypeScript edit', { timeout: 300_000 }, async () => {
  await fuzzThroughServer(ws.file('agent.ts'), 'typescript', typeScriptSeeds());
});

test('the server answers every mutated Python edit', { timeout: 300_000 }, async () => {
  await fuzzThroughServer(ws.file('agent.py'), 'python', pythonSeeds());
});
