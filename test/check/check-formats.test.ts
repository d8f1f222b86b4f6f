// `openrtc check`: each output format, the exit codes, settings from openrtc.json, and the
// file walk (.gitignore, skipped folders, --exclude), through the real bundled CLI.
import assert from 'node:assert/strict';
import { readFileSync, renameSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import type { JsonFinding } from '../../server/check/report';
import { agentFiles, checkSuite, countsOf } from './check-harness';
import { officialSarifValidator } from './sarif-schema';

const { check, workspace } = checkSuite();

describe('openrtc check output', () => {
  it('--json prints every finding with 1-based lines and columns, and exits 1', async () => {
    const ws = workspace(agentFiles);
    const r = await check.run(ws.root, ['--json', '--no-cache']);
    assert.equal(r.code, 1, r.stderr);
    const records = JSON.parse(r.stdout) as JsonFinding[];
    const key = (j: JsonFinding): string => `${j.file}:${j.line}:${j.column}-${j.endLine}:${j.endColumn} ${j.code}`;
    assert.deepEqual(records.map(key).sort(), [
      // `readFileSync` starts at the 16th character of line 4; `time.sleep` at the 5th of line 7.
      'agent.ts:4:16-4:28 ORJ101',
      'pkg/agent.py:7:5-7:15 ORP101',
      'pkg/agent.py:8:5-8:9 ORP100',
    ]);
    const chained = records.find((j) => j.code === 'ORP100') as JsonFinding;
    assert.equal(chained.chain, 'entry → load() → time.sleep');
    assert.equal(chained.severity, 'warning');
    assert.deepEqual(Object.keys(chained).sort(), [
      'chain',
      'code',
      'column',
      'endColumn',
      'endLine',
      'file',
      'line',
      'message',
      'severity',
    ]);
  });

  it('text is path:line:col: severity code message, with a count', async () => {
    const ws = workspace(agentFiles);
    const r = await check.run(ws.root, ['--no-cache']);
    assert.equal(r.code, 1);
    const lines = r.stdout.trim().split('\n');
    assert.ok(
      lines.includes(
        `pkg/agent.py:7:5: warning ORP101 ${'`time.sleep()`'} blocks the shared event loop; use \`await asyncio.sleep(...)\`.`,
      ),
      r.stdout,
    );
    assert.equal(lines.at(-1), '3 found (3 warning)');
  });

  it('--format sarif has rules, regions and the chain as related locations', async () => {
    const ws = workspace(agentFiles);
    const r = await check.run(ws.root, ['--format', 'sarif', '--no-cache']);
    assert.equal(r.code, 1, r.stderr);
    const sarif: unknown = JSON.parse(r.stdout);
    const run = (sarif as { runs: { tool: { driver: { rules: { id: string }[] } }; results: SarifResult[] }[] })
      .runs[0]!;
    interface SarifResult {
      ruleId: string;
      ruleIndex: number;
      level: string;
      locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: object } }[];
      relatedLocations?: unknown[];
    }
    assert.deepEqual(
      run.tool.driver.rules.map((rule) => rule.id),
      ['ORJ101', 'ORP100', 'ORP101'],
    );
    for (const result of run.results) {
      assert.equal(run.tool.driver.rules[result.ruleIndex]!.id, result.ruleId);
      assert.equal(result.level, 'warning');
      // Relative URIs that resolve against %SRCROOT% (GitHub maps them to the repository).
      const loc = result.locations[0]!.physicalLocation.artifactLocation;
      assert.equal(loc.uriBaseId, '%SRCROOT%');
      assert.ok(!loc.uri.startsWith('/') && new URL(loc.uri, 'file:///repo/').href.startsWith('file:///repo/'));
    }
    const chained = run.results.find((x) => x.ruleId === 'ORP100') as SarifResult;
    assert.equal(chained.relatedLocations?.length, 1);
    assert.deepEqual(chained.locations[0]!.physicalLocation.region, {
      startLine: 8,
      startColumn: 5,
      endLine: 8,
      endColumn: 9,
    });
  });

  it('every format prints the same from the cache as computed (chains and fixes read back when a format needs them)', async () => {
    const ws = workspace(agentFiles);
    for (const format of ['json', 'text', 'github', 'sarif']) {
      const cold = await check.run(ws.root, ['--format', format, '--no-cache']);
      await check.run(ws.root, ['--format', format]); // writes the cache (or finds it written)
      const warm = await check.run(ws.root, ['--format', format]);
      assert.match(warm.stderr, /findings computed for 0,/, format);
      assert.equal(warm.stdout, cold.stdout, format);
      assert.equal(warm.code, 1, format);
    }
    const fixed = await check.run(ws.root, ['--fix', '--json']);
    assert.equal(countsOf(fixed.stderr)[0]?.findingsComputed, 0, 'the fixes came from the cache');
    assert.match(fixed.stderr, /fixed 2 findings in 2 files/);
    assert.match(ws.read('pkg/agent.py'), /await asyncio\.sleep\(0\.5\)/);
  });

  it('--format sarif is valid against the official SARIF 2.1.0 schema', async () => {
    const { validate, ajv } = officialSarifValidator();
    const ws = workspace(agentFiles);
    const r = await check.run(ws.root, ['--format', 'sarif', '--no-cache']);
    assert.equal(r.code, 1, r.stderr);
    const sarif: unknown = JSON.parse(r.stdout);
    assert.ok(validate(sarif), ajv.errorsText(validate.errors));
    const clean = workspace({ 'pkg/quiet.py': agentFiles['pkg/quiet.py'] as string });
    const none: unknown = JSON.parse((await check.run(clean.root, ['--format', 'sarif', '--no-cache'])).stdout);
    assert.ok(validate(none), `a run with no results: ${ajv.errorsText(validate.errors)}`);
  });

  it('the official schema rejects a broken log (the validation can fail)', async () => {
    const { validate } = officialSarifValidator();
    const ws = workspace(agentFiles);
    const good = JSON.parse((await check.run(ws.root, ['--format', 'sarif', '--no-cache'])).stdout) as {
      runs: { results: Record<string, unknown>[]; tool: { driver: Record<string, unknown> } }[];
    };
    assert.ok(validate(good));
    const mutations: [string, (log: typeof good) => void][] = [
      ['a level SARIF does not have', (log) => (log.runs[0]!.results[0]!['level'] = 'information')],
      ['a result with no message', (log) => delete log.runs[0]!.results[0]!['message']],
      ['a property SARIF does not define', (log) => (log.runs[0]!.tool.driver['homepage'] = 'x')],
      ['a rule index below 0', (log) => (log.runs[0]!.results[0]!['ruleIndex'] = -2)],
      ['a help URI that is not a URI', (log) => (log.runs[0]!.tool.driver['informationUri'] = 'not a uri')],
    ];
    for (const [what, mutate] of mutations) {
      const log = structuredClone(good);
      mutate(log);
      assert.ok(!validate(log), `${what} must fail`);
    }
  });

  it('--format github prints one workflow annotation per finding, escaped', async () => {
    const ws = workspace({ 'a b,c.py': 'import time\n\n\nasync def entry():\n    time.sleep(1)\n' });
    const r = await check.run(ws.root, ['--format', 'github', '--no-cache']);
    assert.equal(r.code, 1);
    assert.equal(
      r.stdout.trim(),
      '::warning file=a b%2Cc.py,line=5,col=5,endLine=5,endColumn=15,title=OpenRTC ORP101::' +
        '`time.sleep()` blocks the shared event loop; use `await asyncio.sleep(...)`.',
    );
  });

  it('exits 0 on a clean tree, and when --severity-min hides every finding', async () => {
    const clean = workspace({ 'pkg/quiet.py': agentFiles['pkg/quiet.py'] as string });
    const r = await check.run(clean.root, ['--no-cache']);
    assert.equal(r.code, 0, r.stdout);
    assert.equal(r.stdout.trim(), 'no blocking calls found');
    const ws = workspace(agentFiles);
    const hidden = await check.run(ws.root, ['--severity-min', 'error', '--json', '--no-cache']);
    assert.equal(hidden.code, 0);
    assert.deepEqual(JSON.parse(hidden.stdout), []);
  });

  it('takes severities from the diagnostics block of openrtc.json', async () => {
    const ws = workspace({
      ...agentFiles,
      'openrtc.json':
        '// comments are allowed\n{ "diagnostics": { "severity": { "ORP101": "error", "ORJ101": "off", "ORP100": "information" } } }\n',
    });
    const r = await check.run(ws.root, ['--json', '--no-cache']);
    assert.equal(r.code, 1);
    const records = JSON.parse(r.stdout) as JsonFinding[];
    assert.deepEqual(records.map((j) => `${j.code} ${j.severity}`).sort(), ['ORP100 information', 'ORP101 error']);
    const infoOnly = workspace({
      ...agentFiles,
      'openrtc.json':
        '{ "diagnostics": { "severity": { "ORP101": "information", "ORJ101": "hint", "ORP100": "off" } } }',
    });
    assert.equal(
      (await check.run(infoOnly.root, ['--no-cache'])).code,
      0,
      'information and hint do not fail the check',
    );
  });

  it('the diagnostics block is part of the openrtc.json schema the runtime validates with', () => {
    const schema: unknown = JSON.parse(
      readFileSync(path.join(__dirname, '..', '..', 'schemas', 'openrtc.schema.json'), 'utf8'),
    );
    const validate = new Ajv({ allErrors: true }).compile(schema as object);
    assert.ok(
      validate({
        diagnostics: { enable: true, severity: { ORP101: 'error' }, moduleLevelIsLoop: false, honourNoqa: true },
      }),
      JSON.stringify(validate.errors),
    );
    assert.ok(!validate({ diagnostics: { severity: { ORP101: 'loud' } } }));
    assert.ok(!validate({ diagnostics: { severity: { bad: 'error' } } }));
    assert.ok(!validate({ diagnostics: { exclude: [] } }));
  });

  it('exits 2 with the reason on usage errors and bad settings, printing no findings', async () => {
    const ws = workspace(agentFiles);
    const cases: [string[], RegExp][] = [
      [['--format', 'xml'], /--format must be one of text, json, sarif, github; got "xml"/],
      [['--severity-min', 'loud'], /--severity-min must be one of hint, information, warning, error/],
      [['--jobs', '0'], /--jobs must be a whole number from 1 to 64/],
      [['--json', '--format', 'sarif'], /--json and --format sarif ask for two formats/],
      [['--bogus'], /Unknown option '--bogus'/],
      [['no/such/dir'], /no such file or folder: no\/such\/dir/],
    ];
    for (const [args, message] of cases) {
      const r = await check.run(ws.root, args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    }
    const badSettings = workspace({
      ...agentFiles,
      'openrtc.json': '{ "diagnostics": { "enable": "yes", "severity": { "ORP101": "loud" } } }',
    });
    const r = await check.run(badSettings.root, ['--no-cache']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /openrtc\.json: diagnostics\.enable: expected true or false, got "yes"/);
    assert.match(r.stderr, /openrtc\.json: diagnostics\.severity\.ORP101: expected one of error, warning/);
    assert.equal(r.stdout, '');
    const badJson = workspace({ ...agentFiles, 'openrtc.json': '{ "diagnostics": {\n' });
    const j = await check.run(badJson.root, ['--no-cache']);
    assert.equal(j.code, 2);
    assert.match(j.stderr, /openrtc\.json:\d+: /);
  });

  it('--help prints the usage and exits 0', async () => {
    const r = await check.run(workspace({}).root, ['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^usage: openrtc check \[PATHS\.\.\.\]/);
  });

  it("runs without the other commands' bundle (cli.js dispatches check alone), which the rest of the CLI needs", async () => {
    const table = path.join(check.dir, 'cli-commands.js');
    const aside = `${table}.aside`;
    renameSync(table, aside);
    try {
      const ws = workspace(agentFiles);
      const r = await check.run(ws.root, ['--json']);
      assert.equal(r.code, 1, r.stderr);
      assert.equal((JSON.parse(r.stdout) as JsonFinding[]).length, 3);
      const other = await check.runCli(ws.root, ['--version']);
      assert.notEqual(other.code, 0, 'the table is what every other command loads');
      assert.match(other.stderr, /cli-commands\.js/);
    } finally {
      renameSync(aside, table);
    }
    const back = await check.runCli(workspace({}).root, ['--help']);
    assert.equal(back.code, 0, back.stderr);
    assert.match(back.stdout, /^ {2}check {2,}report blocking calls/m);
  });
});

describe('openrtc check files', () => {
  const blocking = 'import time\n\n\nasync def entry():\n    time.sleep(1)\n';
  it('honours .gitignore (nested, negation), skips node_modules, virtual envs and build output, and --exclude', async () => {
    const ws = workspace({
      '.gitignore': 'generated/\n*.gen.py\n!keep.gen.py\n',
      'app/main.py': blocking,
      'app/.gitignore': 'local_*.py\n',
      'app/local_scratch.py': blocking,
      'generated/out.py': blocking,
      'x.gen.py': blocking,
      'keep.gen.py': blocking,
      'node_modules/dep/index.js': "const fs = require('fs');\nsetTimeout(() => fs.readFileSync('a'), 1);\n",
      'my-env/pyvenv.cfg': 'home = /usr\n',
      'my-env/lib/site.py': blocking,
      'dist/bundle.py': blocking,
      'tests/test_main.py': blocking,
      'tests/fixtures/data.py': blocking,
    });
    const all = await check.run(ws.root, ['--json', '--no-cache']);
    const files = (out: string): string[] => [...new Set((JSON.parse(out) as JsonFinding[]).map((j) => j.file))].sort();
    assert.deepEqual(files(all.stdout), ['app/main.py', 'keep.gen.py', 'tests/fixtures/data.py', 'tests/test_main.py']);
    const excluded = await check.run(ws.root, [
      '--json',
      '--no-cache',
      '--exclude',
      'tests/fixtures',
      '--exclude',
      'test_*.py',
    ]);
    assert.deepEqual(files(excluded.stdout), ['app/main.py', 'keep.gen.py']);
    const named = await check.run(ws.root, ['--json', '--no-cache', 'app', 'tests/test_main.py']);
    assert.deepEqual(files(named.stdout), ['app/main.py', 'tests/test_main.py']);
  });
});
