// The ways teams run `openrtc check` without an editor, as they are written down: the published
// pre-commit hook (.pre-commit-hooks.yaml) run the way pre-commit runs it, and every
// `openrtc check` command line of docs/check.md's GitHub Actions steps run as written, through a
// shell, with `openrtc` on PATH being the built CLI. A hook or a documented step that no longer
// works, or no longer fails a commit or a job on a finding, fails here.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { load } from 'js-yaml';
import { agentFiles, checkSuite } from './check-harness';

const root = path.join(__dirname, '..', '..');
const { check, workspace } = checkSuite();

interface Hook {
  id: string;
  entry: string;
  language: string;
  pass_filenames: boolean;
  types_or: string[];
}

/** A folder whose `openrtc` is the built CLI, to put first on PATH. */
const binDir = mkdtempSync(path.join(tmpdir(), 'openrtc-bin-'));
after(() => rmSync(binDir, { recursive: true, force: true }));
function shim(): NodeJS.ProcessEnv {
  const bin = path.join(binDir, 'openrtc');
  writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" "${path.join(check.dir, 'cli.js')}" "$@"\n`);
  chmodSync(bin, 0o755);
  return { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}` };
}

/** A shell command line run in `cwd` with the built CLI as `openrtc`. */
function shell(line: string, cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('/bin/sh', ['-c', line], { cwd, env: shim(), encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The ```yaml blocks of a Markdown file, parsed. */
function yamlBlocks(markdown: string): unknown[] {
  return [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => load(m[1]!));
}

const clean = { 'pkg/quiet.py': agentFiles['pkg/quiet.py']! };

describe('openrtc check in pre-commit and GitHub Actions, as documented', () => {
  it('the published pre-commit hook checks the whole tree and fails a commit on a finding', () => {
    const hooks = load(readFileSync(path.join(root, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
    assert.equal(hooks.length, 1);
    const [hook] = hooks as [Hook];
    assert.equal(hook.id, 'openrtc-check');
    assert.equal(hook.language, 'system');
    assert.equal(hook.pass_filenames, false, 'the whole tree: chains cross files');
    for (const type of ['python', 'ts', 'javascript']) assert.ok(hook.types_or.includes(type), type);
    // pre-commit runs `entry` with its args (none) and, pass_filenames being false, no file names.
    const dirty = shell(hook.entry, workspace(agentFiles).root);
    assert.equal(dirty.status, 1, dirty.stderr);
    assert.match(dirty.stdout, /pkg\/agent\.py:7:5: warning ORP101/);
    assert.equal(shell(hook.entry, workspace(clean).root).status, 0);
  });

  it("docs/check.md's pre-commit blocks name the published hook, and its local variant matches it", () => {
    const blocks = yamlBlocks(readFileSync(path.join(root, 'docs/check.md'), 'utf8'));
    const repos = blocks.flatMap((b) => (b as { repos?: { repo: string; hooks: Partial<Hook>[] }[] }).repos ?? []);
    assert.equal(repos.length, 2);
    const [published] = load(readFileSync(path.join(root, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[] as [Hook];
    for (const repo of repos)
      assert.deepEqual(
        repo.hooks.map((h) => h.id),
        [published.id],
        repo.repo,
      );
    const local = repos.find((r) => r.repo === 'local')!.hooks[0]!;
    assert.match(local.entry ?? '', /openrtc check$/);
    assert.equal(local.pass_filenames, published.pass_filenames);
    assert.deepEqual(local.types_or, published.types_or);
  });

  it("every `openrtc check` step of docs/check.md's GitHub Actions runs as written and fails the job on a finding", () => {
    const blocks = yamlBlocks(readFileSync(path.join(root, 'docs/check.md'), 'utf8'));
    const runs = blocks
      .filter(Array.isArray)
      .flat()
      .map((step) => (step as { run?: string }).run)
      .filter((run): run is string => run?.startsWith('openrtc check') === true);
    assert.deepEqual(runs, ['openrtc check --format github', 'openrtc check --format sarif > openrtc.sarif']);
    const ws = workspace(agentFiles);
    const annotations = shell(runs[0]!, ws.root);
    assert.equal(annotations.status, 1, 'a finding fails the job');
    assert.match(annotations.stdout, /^::warning file=pkg\/agent\.py,line=7,col=5,.*title=OpenRTC ORP101::/m);
    const sarif = shell(runs[1]!, ws.root);
    assert.equal(sarif.status, 1);
    const log = JSON.parse(readFileSync(path.join(ws.root, 'openrtc.sarif'), 'utf8')) as {
      version: string;
      runs: { results: unknown[] }[];
    };
    assert.equal(log.version, '2.1.0');
    assert.equal(log.runs[0]!.results.length, 3);
    assert.equal(shell(runs[0]!, workspace(clean).root).status, 0, 'a clean tree passes');
  });
});
