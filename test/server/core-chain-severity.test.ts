// A chain's severity is its leaf's, and a memoised helper (`@functools.cache`, `@lru_cache`)
// pays its blocking call once: the real front ends' summaries joined by the core.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { defaultDiagnosticsSettings } from '../../protocol/lsp-settings';
import { WorkspaceAnalysis } from '../../server/core/workspace-analysis';
import { catalogue } from '../../server/lsp/front-ends';
import { analyzePython, initPython, nodeModulesWasmLocation } from '../../server/frontends/python';
import { analyzeTypeScript } from '../../server/frontends/typescript';

const root = join(__dirname, '..', '..');
const options = { moduleLevelIsLoop: false, honourNoqa: true };

function findingsOf(path: string, text: string, severity: Record<string, 'off' | 'error'> = {}): string[] {
  const analysis = new WorkspaceAnalysis(['/ws'], catalogue);
  analysis.settings = { ...defaultDiagnosticsSettings, severity };
  const summary = path.endsWith('.py') ? analyzePython(path, text, options) : analyzeTypeScript(path, text, options);
  analysis.update(summary);
  return analysis.findings(path).map((f) => `${f.range.start.line + 1}:${f.code}:${f.severity}`);
}

describe('chain severity', () => {
  before(() => initPython(nodeModulesWasmLocation(root)));

  it('a chain to an information-level leaf (a memoised require of a native addon) is information', () => {
    const text = [
      "import { readFileSync } from 'node:fs';",
      'let addon: unknown;',
      'function loadAddon(): unknown {',
      "  return (addon ??= require('./build/Release/vad.node'));",
      '}',
      'function readModel(): string {',
      "  return readFileSync('model.bin', 'utf8');",
      '}',
      'export async function entry(): Promise<void> {',
      '  loadAddon();',
      '  readModel();',
      '}',
    ].join('\n');
    assert.deepEqual(findingsOf('/ws/agent.ts', text), ['10:ORJ100:information', '11:ORJ100:warning']);
    // The user's own setting for the chain code still wins; a leaf turned off takes its chains with it.
    assert.deepEqual(findingsOf('/ws/agent.ts', text, { ORJ100: 'error' }), ['10:ORJ100:error', '11:ORJ100:error']);
    assert.deepEqual(findingsOf('/ws/agent.ts', text, { ORJ160: 'off' }), ['11:ORJ100:warning']);
  });

  it('a memoised helper counts once, at information; an uncached one at every call, as a warning', () => {
    const text = [
      'import functools',
      'import json',
      'from functools import lru_cache',
      '',
      '@functools.cache',
      'def load_prompts():',
      '    with open("prompts.json") as fh:',
      '        return json.load(fh)',
      '',
      '@lru_cache(maxsize=None)',
      'def voice(name):',
      '    with open(f"voices/{name}.json") as fh:',
      '        return json.load(fh)',
      '',
      'def uncached():',
      '    with open("state.json") as fh:',
      '        return json.load(fh)',
      '',
      'async def on_turn(ctx):',
      '    load_prompts()',
      '    load_prompts()',
      '    voice("alloy")',
      '    uncached()',
      '    uncached()',
    ].join('\n');
    assert.deepEqual(findingsOf('/ws/agent.py', text), [
      '20:ORP100:information',
      '22:ORP100:information',
      '23:ORP100:warning',
      '24:ORP100:warning',
    ]);
  });
});
