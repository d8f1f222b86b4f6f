// TS/JS summaries joined by the real core across files: ESM named/namespace imports, CommonJS
// require, an imported listener and entry, and what must stay quiet (async helpers, offloads).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkspaceAnalysis } from '../../server/core/workspace-analysis';
import { analyzeTypeScript } from '../../server/frontends/typescript/index';
import { javascriptRules } from '../../server/rules/javascript';

const files: Record<string, string> = {
  '/w/agent.ts': [
    "import { defineAgent } from 'openrtc';",
    "import { onTrack } from './handlers';",
    "import * as config from './config';",
    "const legacy = require('./legacy.cjs');",
    'export async function entry(room: any) {',
    "  room.on('track', onTrack);",
    '  config.loadConfig();',
    '  legacy.load();',
    '  await config.loadAsync();',
    '}',
    'export default defineAgent({ entry });',
  ].join('\n'),
  '/w/handlers.ts': [
    "import { readFileSync } from 'node:fs';",
    'function readMeta(p: string) {',
    "  return readFileSync(p, 'utf8');",
    '}',
    'export function onTrack(track: { path: string }) {',
    '  readMeta(track.path);',
    '}',
  ].join('\n'),
  '/w/config.ts': [
    "import * as fs from 'node:fs';",
    'export function loadConfig() {',
    "  return JSON.parse(fs.readFileSync('/etc/agent.json', 'utf8'));",
    '}',
    'export async function loadAsync() {',
    "  return fs.promises.readFile('/etc/agent.json', 'utf8');",
    '}',
  ].join('\n'),
  '/w/legacy.cjs': [
    "const { execSync } = require('child_process');",
    'function load() {',
    "  return execSync('git rev-parse HEAD');",
    '}',
    'module.exports = { load };',
  ].join('\n'),
};

describe('TS/JS front end + core: findings across files', () => {
  it('reports each helper call from loop code with its chain through other files', () => {
    const analysis = new WorkspaceAnalysis(['/w'], javascriptRules);
    for (const [path, text] of Object.entries(files))
      analysis.update(analyzeTypeScript(path, text, { moduleLevelIsLoop: false }));
    const findings = analysis
      .findings('/w/agent.ts')
      .map((f) => [f.range.start.line, f.code, f.chainText])
      .sort((a, b) => Number(a[0]) - Number(b[0]));
    assert.deepEqual(findings, [
      [5, 'ORJ100', 'event-handler onTrack → onTrack() → readMeta() → fs.readFileSync'],
      [6, 'ORJ100', 'entry → loadConfig() → fs.readFileSync'],
      [7, 'ORJ100', 'entry → load() → child_process.execSync'],
    ]);
    // Sync helpers themselves are not loop code: nothing is reported inside them.
    for (const path of ['/w/handlers.ts', '/w/config.ts', '/w/legacy.cjs'])
      assert.deepEqual(analysis.findings(path), [], path);
  });

  it('follows barrel files: `export { a as b } from`, `export *`, an imported name exported again', () => {
    const barrels: Record<string, string> = {
      '/w/lib/config.ts': files['/w/config.ts'] ?? '',
      '/w/lib/run.ts':
        "import { execSync } from 'node:child_process';\nexport default function run() { return execSync('ls'); }\nexport function spawnIt() { return execSync('ps'); }\n",
      '/w/lib/index.ts': [
        "export * from './config';",
        "export { default as run } from './run';",
        "import { spawnIt } from './run';",
        'export { spawnIt as spawnAgain };',
        "export type { Nothing } from './types';",
        "export * from './index';", // a cycle ends the search, it does not loop
      ].join('\n'),
      '/w/app.ts': [
        "import { loadConfig, run, spawnAgain, missing } from './lib';",
        "import * as lib from './lib/index';",
        'export async function entry() {',
        '  loadConfig();',
        '  run();',
        '  spawnAgain();',
        '  lib.loadConfig();',
        '  missing();',
        '}',
      ].join('\n'),
    };
    const analysis = new WorkspaceAnalysis(['/w'], javascriptRules);
    for (const [path, text] of Object.entries(barrels))
      analysis.update(analyzeTypeScript(path, text, { moduleLevelIsLoop: false }));
    assert.deepEqual(
      analysis.findings('/w/app.ts').map((f) => [f.range.start.line, f.chainText]),
      [
        [3, 'entry → loadConfig() → fs.readFileSync'],
        [4, 'entry → run() → child_process.execSync'],
        [5, 'entry → spawnIt() → child_process.execSync'],
        [6, 'entry → loadConfig() → fs.readFileSync'],
      ],
    );
    assert.ok(
      analysis.dependentsOf('/w/lib/config.ts').has('/w/app.ts'),
      'an edit behind the barrel re-diagnoses its importers',
    );
  });
});
