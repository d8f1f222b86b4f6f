// `openrtc check`'s persistent cache and worker threads, counted (never timed): the check
// reports how many files it ran the front ends on and how many files' findings it computed.
// Also `--fix`: the fixed files re-check clean for the fixed codes and nothing else changed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { RACY_MS } from '../../server/check/file-stamp';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeFile, initFrontEnds } from '../../server/lsp/front-ends';
import { analyseInWorkers } from '../../server/check/worker-pool';
import type { AnalyseJob } from '../../server/check/analyse-job';
import { agentFiles, checkSuite, countsOf, readCountsOf } from './check-harness';

const { check, workspace } = checkSuite();

/** agentFiles plus unrelated modules, so "only the file and its dependents" is a real subset. */
function biggerTree(): Record<string, string> {
  const files: Record<string, string> = { ...agentFiles };
  for (let i = 0; i < 6; i++)
    files[`other/mod${i}.py`] = `import json\n\n\nasync def handler${i}():\n    return json.dumps({})\n`;
  return files;
}

describe('openrtc check cache', () => {
  it('a second check of an unchanged tree analyses nothing and gives the same findings', async () => {
    const ws = workspace(biggerTree());
    const cold = await check.run(ws.root, ['--json']);
    const warm = await check.run(ws.root, ['--json']);
    assert.deepEqual(countsOf(cold.stderr), [{ files: 10, analysed: 10, threads: 1, findingsComputed: 10 }]);
    assert.deepEqual(countsOf(warm.stderr), [{ files: 10, analysed: 0, threads: 0, findingsComputed: 0 }]);
    assert.equal(warm.code, 1);
    assert.deepEqual(JSON.parse(warm.stdout), JSON.parse(cold.stdout));
    // Written as ASCII (read back as a one-byte string): the chains' '→' is escaped.
    for (const file of ['analysis.json', 'summaries.json']) {
      const text = ws.read(`.openrtc/cache/${file}`);
      assert.match(text, /^[\x00-\x7e]*$/, file);
    }
    assert.ok(ws.read('.openrtc/cache/analysis.json').includes('\\u2192'));
    assert.ok(warm.stdout.includes('entry → load() → time.sleep'), warm.stdout);
  });

  it('after one file changes, only it and the files that import it are redone', async () => {
    const ws = workspace(biggerTree());
    await check.run(ws.root, []);
    // helpers.py is imported by agent.py: its findings (the chain) depend on it.
    ws.write('pkg/helpers.py', 'import time\n\n\ndef load():\n    return 1\n');
    const edited = await check.run(ws.root, ['--json']);
    assert.deepEqual(countsOf(edited.stderr), [{ files: 10, analysed: 1, threads: 1, findingsComputed: 2 }]);
    // The chain went with the helper's blocking call; the direct finding stays.
    const codes = (JSON.parse(edited.stdout) as { file: string; code: string }[]).map((j) => `${j.file} ${j.code}`);
    assert.deepEqual(codes.sort(), ['agent.ts ORJ101', 'pkg/agent.py ORP101']);
    // A file nothing imports: only itself.
    ws.write('other/mod3.py', 'import time\n\n\nasync def handler3():\n    time.sleep(2)\n');
    const leaf = await check.run(ws.root, ['--json']);
    assert.deepEqual(countsOf(leaf.stderr), [{ files: 10, analysed: 1, threads: 1, findingsComputed: 1 }]);
    assert.ok((JSON.parse(leaf.stdout) as { file: string }[]).some((j) => j.file === 'other/mod3.py'));
  });

  it('a changed setting, or checking another set of files, recomputes findings but re-parses nothing it need not', async () => {
    const ws = workspace(biggerTree());
    await check.run(ws.root, []);
    // Severity is applied after the front ends: summaries stay, findings are recomputed.
    ws.write('openrtc.json', '{ "diagnostics": { "severity": { "ORP101": "error" } } }');
    const severity = await check.run(ws.root, ['--json']);
    assert.deepEqual(countsOf(severity.stderr), [{ files: 10, analysed: 0, threads: 0, findingsComputed: 10 }]);
    assert.ok((JSON.parse(severity.stdout) as { severity: string }[]).some((j) => j.severity === 'error'));
    // The front ends honour moduleLevelIsLoop: every file is parsed again.
    ws.write('openrtc.json', '{ "diagnostics": { "moduleLevelIsLoop": true } }');
    const frontEnd = await check.run(ws.root, []);
    assert.equal(countsOf(frontEnd.stderr)[0]?.analysed, 10);
    // A subset's chains are computed against the subset only, so they are not reused for the whole tree.
    const subset = await check.run(ws.root, ['pkg']);
    assert.deepEqual(countsOf(subset.stderr), [{ files: 3, analysed: 0, threads: 0, findingsComputed: 3 }]);
  });

  it('a corrupt or foreign cache file is ignored, said so, and replaced', async () => {
    const ws = workspace(agentFiles);
    await check.run(ws.root, []);
    const findingsFile = '.openrtc/cache/analysis.json';
    const summariesFile = '.openrtc/cache/summaries.json';
    // The findings file broken: findings are computed again, the summaries (their own file) still serve.
    writeFileSync(path.join(ws.root, findingsFile), '{"format":1,"analyser":"x"');
    const corrupt = await check.run(ws.root, ['--json']);
    assert.match(corrupt.stderr, /cache not used: .*analysis\.json is not valid JSON/);
    assert.deepEqual(countsOf(corrupt.stderr)[0], { files: 4, analysed: 0, threads: 0, findingsComputed: 4 });
    assert.equal((JSON.parse(corrupt.stdout) as unknown[]).length, 3);
    assert.equal(countsOf((await check.run(ws.root, [])).stderr)[0]?.findingsComputed, 0, 'rewritten whole');
    // The summaries file broken, and findings to compute: every file is analysed again.
    writeFileSync(path.join(ws.root, summariesFile), '[');
    ws.write('pkg/quiet.py', agentFiles['pkg/quiet.py'] + '\n');
    const noSummaries = await check.run(ws.root, ['--json']);
    assert.match(noSummaries.stderr, /cache not used: .*summaries\.json is not valid JSON/);
    assert.equal(countsOf(noSummaries.stderr)[0]?.analysed, 4);
    assert.equal((JSON.parse(noSummaries.stdout) as unknown[]).length, 3);
    // A cache from another build (another analyser version) is not used, silently.
    for (const file of [findingsFile, summariesFile]) {
      const doc = JSON.parse(ws.read(file)) as { analyser: string };
      doc.analyser = 'some-other-build';
      ws.write(file, JSON.stringify(doc));
    }
    const foreign = await check.run(ws.root, []);
    assert.doesNotMatch(foreign.stderr, /cache not used/);
    assert.equal(countsOf(foreign.stderr)[0]?.analysed, 4);
    // An entry whose summary is not a summary text (hand-edited) discards the whole summaries file.
    const tampered = JSON.parse(ws.read(summariesFile)) as { summaries: Record<string, { summary: unknown }> };
    const first = Object.keys(tampered.summaries)[0] as string;
    (tampered.summaries[first] as { summary: unknown }).summary = { path: first, functions: 'x' };
    ws.write(summariesFile, JSON.stringify(tampered));
    ws.write('pkg/quiet.py', agentFiles['pkg/quiet.py'] as string); // so findings are recomputed and summaries read
    const bad = await check.run(ws.root, ['--json']);
    assert.match(bad.stderr, /cache not used: .*summaries\.json: entry for .* is malformed/);
    assert.equal(countsOf(bad.stderr)[0]?.analysed, 4);
    assert.equal((JSON.parse(bad.stdout) as unknown[]).length, 3);
    // A summary text that is not a summary costs only its own file a new analysis.
    const edited = JSON.parse(ws.read(summariesFile)) as { summaries: Record<string, { summary: string }> };
    (edited.summaries[first] as { summary: string }).summary = '{"path": "elsewhere"}';
    ws.write(summariesFile, JSON.stringify(edited));
    ws.write('pkg/quiet.py', agentFiles['pkg/quiet.py'] + '\n');
    const one = await check.run(ws.root, ['--json']);
    assert.doesNotMatch(one.stderr, /cache not used/);
    assert.equal(countsOf(one.stderr)[0]?.analysed, first.endsWith('quiet.py') ? 1 : 2);
    assert.equal((JSON.parse(one.stdout) as unknown[]).length, 3);
  });

  it('a warm check reads only the findings file, not the summaries', async () => {
    const ws = workspace(agentFiles);
    await check.run(ws.root, []);
    // Were the summaries read, this would be reported; a tree with no change never looks at them.
    writeFileSync(path.join(ws.root, '.openrtc/cache/summaries.json'), 'not json');
    const warm = await check.run(ws.root, ['--json']);
    assert.doesNotMatch(warm.stderr, /cache not used/);
    assert.equal(countsOf(warm.stderr)[0]?.findingsComputed, 0);
    assert.equal((JSON.parse(warm.stdout) as unknown[]).length, 3);
  });

  it('a check of the whole tree forgets files gone from it; a check of a part keeps the rest', async () => {
    const ws = workspace(biggerTree());
    await check.run(ws.root, []);
    const cached = (file: string): string[] =>
      Object.keys(
        (JSON.parse(ws.read(`.openrtc/cache/${file}`)) as Record<string, Record<string, unknown>>)[
          file === 'analysis.json' ? 'files' : 'summaries'
        ]!,
      ).map((p) => path.relative(ws.root, p));
    assert.ok(cached('analysis.json').includes(path.join('other', 'mod2.py')));
    rmSync(path.join(ws.root, 'other/mod2.py'));
    ws.write('other/mod9.py', 'import json\n');
    await check.run(ws.root, ['pkg']);
    assert.ok(cached('analysis.json').includes(path.join('other', 'mod2.py')), 'a part was checked: the rest stays');
    const whole = await check.run(ws.root, ['--json']);
    // Another set of files: every file's findings are recomputed (its chains may reach the new one), one file parsed.
    assert.deepEqual(countsOf(whole.stderr), [{ files: 10, analysed: 1, threads: 1, findingsComputed: 10 }]);
    for (const file of ['analysis.json', 'summaries.json']) {
      assert.ok(!cached(file).includes(path.join('other', 'mod2.py')), `${file} forgot the deleted file`);
      assert.equal(cached(file).length, 10, file);
    }
  });

  it('--no-cache neither reads nor writes the cache', async () => {
    const ws = workspace(agentFiles);
    await check.run(ws.root, ['--no-cache']);
    assert.throws(() => ws.read('.openrtc/cache/analysis.json'), /ENOENT/);
    assert.throws(() => ws.read('.openrtc/cache/summaries.json'), /ENOENT/);
  });
});

describe('openrtc check stamps', () => {
  it('a warm check reads no file whose stat matches its stamp; one written too recently is read again', async () => {
    const ws = workspace(biggerTree());
    const fresh = await check.run(ws.root, ['--json']);
    assert.equal(readCountsOf(fresh.stderr)[0]?.read, 10);
    // Changed less than RACY_MS before they were read: not stamped, so read again (and still not re-analysed).
    const racy = await check.run(ws.root, ['--json']);
    assert.deepEqual(readCountsOf(racy.stderr)[0], {
      files: 10,
      read: 10,
      analysed: 0,
      threads: 0,
      findingsComputed: 0,
    });
    await sleep(RACY_MS + 200);
    await check.run(ws.root, []); // read once more, now old enough to stamp
    const warm = await check.run(ws.root, ['--json']);
    assert.deepEqual(readCountsOf(warm.stderr)[0], {
      files: 10,
      read: 0,
      analysed: 0,
      threads: 0,
      findingsComputed: 0,
    });
    assert.deepEqual(JSON.parse(warm.stdout), JSON.parse(fresh.stdout));
    // Touched, content unchanged: read and hashed, nothing redone.
    const agent = path.join(ws.root, 'pkg/agent.py');
    utimesSync(agent, new Date(), new Date());
    const touched = await check.run(ws.root, []);
    assert.deepEqual(readCountsOf(touched.stderr)[0], {
      files: 10,
      read: 1,
      analysed: 0,
      threads: 0,
      findingsComputed: 0,
    });
  });

  it('a warm check hashes nothing (node:crypto is never loaded); a scope memo out of shape costs a hash, not the findings', async () => {
    const ws = workspace(biggerTree());
    const probeDir = mkdtempSync(path.join(tmpdir(), 'openrtc-probe-'));
    const probe = path.join(probeDir, 'crypto-probe.cjs');
    writeFileSync(
      probe,
      "process.on('exit', () => process.stderr.write(`crypto loaded: ${process.moduleLoadList.includes('NativeModule crypto')}\\n`));\n",
    );
    const probed = (): string =>
      spawnSync(process.execPath, ['-r', probe, path.join(check.dir, 'cli.js'), 'check'], {
        cwd: ws.root,
        encoding: 'utf8',
      }).stderr;
    try {
      assert.match(probed(), /crypto loaded: true/, 'a cold check hashes every file');
      await sleep(RACY_MS + 200);
      probed(); // old enough to stamp now
      const warm = probed();
      assert.equal(readCountsOf(warm)[0]?.read, 0, warm);
      assert.match(warm, /crypto loaded: false/);
      const file = path.join(ws.root, '.openrtc/cache/analysis.json');
      const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      writeFileSync(file, JSON.stringify({ ...doc, scope: { text: 5 } }));
      const unmemoised = probed();
      assert.match(unmemoised, /crypto loaded: true/, 'the scope is hashed again');
      assert.deepEqual(readCountsOf(unmemoised)[0], {
        files: 10,
        read: 0,
        analysed: 0,
        threads: 0,
        findingsComputed: 0,
      });
      assert.match(probed(), /crypto loaded: false/, 'and remembered again');
    } finally {
      rmSync(probeDir, { recursive: true, force: true });
    }
  });

  it('an edit of the same size with its modification time put back is still seen', async () => {
    const ws = workspace(agentFiles);
    await sleep(RACY_MS + 200);
    await check.run(ws.root, []);
    const agent = path.join(ws.root, 'pkg/agent.py');
    const { atime, mtime } = statSync(agent);
    const text = ws.read('pkg/agent.py');
    const edited = text.replace('time.sleep(0.5)', 'time.sleep(0.7)');
    assert.equal(edited.length, text.length);
    writeFileSync(agent, edited);
    utimesSync(agent, atime, mtime); // as tar, cp -p or rsync -t would leave it
    const r = await check.run(ws.root, ['--json']);
    assert.deepEqual(readCountsOf(r.stderr)[0], { files: 4, read: 1, analysed: 1, threads: 1, findingsComputed: 1 });
  });
});

describe('openrtc check threads', () => {
  it('a cold check on 2 worker threads gives the same findings as on 1', async () => {
    const files = biggerTree();
    for (let i = 0; i < 40; i++) files[`many/m${i}.py`] = `import time\n\n\nasync def h${i}():\n    time.sleep(${i})\n`;
    const ws = workspace(files);
    const one = await check.run(ws.root, ['--json', '--no-cache', '--jobs', '1']);
    const two = await check.run(ws.root, ['--json', '--no-cache', '--jobs', '2']);
    assert.equal(countsOf(one.stderr)[0]?.threads, 1);
    assert.equal(countsOf(two.stderr)[0]?.threads, 2);
    assert.equal((JSON.parse(two.stdout) as unknown[]).length, 43);
    assert.deepEqual(JSON.parse(two.stdout), JSON.parse(one.stdout));
  });

  it('each worker thread loads only the front end of the files it is dealt, and parses as this thread does', async () => {
    const options = { moduleLevelIsLoop: false, honourNoqa: true };
    const jobs: AnalyseJob[] = [];
    for (let i = 0; i < 30; i++) {
      jobs.push({
        path: `/ws/m${i}.py`,
        language: 'python',
        text: `import time\n\n\nasync def h():\n    time.sleep(${i})\n`,
        options,
      });
      jobs.push({
        path: `/ws/t${i}.ts`,
        language: 'typescript',
        text: `import * as fs from 'node:fs';\nexport async function h() { fs.readFileSync('${i}'); }\n`,
        options,
      });
    }
    const worker = path.join(check.dir, 'analysis-worker.js');
    const two = await analyseInWorkers(worker, 2, { wasmDir: check.dir }, jobs);
    assert.deepEqual(two.loaded, [['python'], ['typescript']]);
    const one = await analyseInWorkers(worker, 1, { wasmDir: check.dir }, jobs.slice(0, 6));
    assert.deepEqual(
      one.loaded.map((l) => [...l].sort()),
      [['python', 'typescript']],
      'one thread loads both, in turn',
    );
    await initFrontEnds(check.dir); // the wasm files the bundles use
    const here = jobs.map((j) => analyzeFile(j.path, j.language, j.text, j.options));
    two.outcomes.forEach((o, i) => assert.equal(JSON.stringify(o.summary), JSON.stringify(here[i])));
  });
});

describe('openrtc check --fix', () => {
  it('applies the safe fixes only, says what it changed, and the fixed files re-check clean for those codes', async () => {
    const ws = workspace({
      ...agentFiles,
      // Two sleeps in one file: one `import asyncio` is added, not two.
      'pkg/two.py': 'import time\n\n\nasync def a():\n    time.sleep(1)\n\n\nasync def b():\n    time.sleep(2)\n',
    });
    const before = Object.fromEntries(Object.keys(agentFiles).map((f) => [f, ws.read(f)]));
    const r = await check.run(ws.root, ['--fix']);
    assert.equal(r.code, 1, 'the chain through load() has no safe fix and is still reported');
    const out = r.stdout.split('\n');
    assert.ok(out.includes('fixed pkg/agent.py:7: ORP101 Replace with `await asyncio.sleep(...)`'), r.stdout);
    assert.ok(
      out.includes('fixed agent.ts:4: ORJ101 Replace with `await readFile(...)` from node:fs/promises'),
      r.stdout,
    );
    assert.ok(out.includes('fixed 4 findings in 3 files'), r.stdout);
    assert.equal(
      ws.read('pkg/agent.py'),
      'import asyncio\nimport time\n\nfrom pkg.helpers import load\n\n\nasync def entry():\n    await asyncio.sleep(0.5)\n    load()\n',
    );
    assert.equal(
      ws.read('pkg/two.py'),
      'import asyncio\nimport time\n\n\nasync def a():\n    await asyncio.sleep(1)\n\n\nasync def b():\n    await asyncio.sleep(2)\n',
    );
    assert.equal(
      ws.read('agent.ts'),
      "import { readFileSync } from 'node:fs';\nimport { readFile } from 'node:fs/promises';\n\n" +
        "export async function entry(): Promise<string> {\n  const text = await readFile('x.json', 'utf8');\n  return text;\n}\n",
    );
    // Files without a safe fix are untouched, byte for byte.
    assert.equal(ws.read('pkg/helpers.py'), before['pkg/helpers.py']);
    assert.equal(ws.read('pkg/quiet.py'), before['pkg/quiet.py']);
    const again = await check.run(ws.root, ['--json']);
    const left = (JSON.parse(again.stdout) as { file: string; code: string; line: number }[]).map(
      (j) => `${j.file}:${j.line} ${j.code}`,
    );
    assert.deepEqual(left, ['pkg/agent.py:9 ORP100']);
    // The re-check after fixing re-analysed only the fixed files (and their importers: none here).
    assert.deepEqual(
      countsOf(r.stderr).map((c) => c.analysed),
      [5, 3],
    );
  });

  it('with a machine format the fix report goes to stderr and stdout stays parseable', async () => {
    const ws = workspace({ 'a.py': 'import time\n\n\nasync def entry():\n    time.sleep(1)\n' });
    const r = await check.run(ws.root, ['--fix', '--json']);
    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.stdout), []);
    assert.match(r.stderr, /fixed a\.py:5: ORP101/);
  });
});
