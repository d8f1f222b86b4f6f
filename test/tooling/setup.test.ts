// The README's test entry point sets itself up: run for real, as a child process, in conditions a
// fresh machine has (a PATH without the system tools; a copy of the repository without .tools/).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(__dirname, '..', '..');

/** A PATH holding only `node` (and `npm`, which lives beside it): none of the system packages, no apt-get. */
function barePath(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  symlinkSync(process.execPath, join(bin, 'node'));
  return bin;
}

describe('set-up: system packages it cannot install', () => {
  it('stops before any test with one line naming them and the apt-get command, exit 3', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'openrtc-setup-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const r = spawnSync(process.execPath, [join(root, 'scripts/test.mjs')], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, PATH: barePath(dir) },
      timeout: 60_000,
    });
    assert.equal(r.status, 3, `exit code 3 (stdout: ${r.stdout}, stderr: ${r.stderr})`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `one line: ${r.stderr}`);
    const pkgs = 'chromium ripgrep libkrb5-dev tmux redis-server espeak-ng';
    assert.equal(
      lines[0],
      `npm test needs system packages it cannot install (${process.getuid?.() === 0 ? 'apt-get is not on PATH' : 'not root'}): ` +
        `${pkgs.split(' ').join(', ')}; run: sudo apt-get install -y --no-install-recommends ${pkgs}`,
    );
    assert.doesNotMatch(r.stdout, /== (typecheck|lint|build|unit tests)/, 'nothing ran before the stop');
  });

  it('--unit asks only for what the unit stage needs', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'openrtc-setup-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const r = spawnSync(process.execPath, [join(root, 'scripts/test.mjs'), '--unit', '--setup-only'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, PATH: barePath(dir) },
      timeout: 60_000,
    });
    assert.equal(r.status, 3, r.stderr);
    assert.match(
      r.stderr,
      /: tmux, redis-server, espeak-ng; run: sudo apt-get install -y --no-install-recommends tmux redis-server espeak-ng\n$/,
    );
  });

  it('with every command present the set-up passes (the same check, the real PATH)', () => {
    const r = spawnSync(process.execPath, [join(root, 'scripts/test.mjs'), '--unit', '--setup-only'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /set-up complete/);
  });
});

/** A PATH of links to every program on the real PATH except `hidden`: this machine, less those commands. */
function pathWithout(dir: string, hidden: readonly string[]): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const seen = new Set(hidden);
  for (const from of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    let names: string[];
    try {
      names = readdirSync(from);
    } catch {
      continue; // a PATH entry that does not exist
    }
    for (const name of names) {
      if (seen.has(name)) continue;
      try {
        accessSync(join(from, name), constants.X_OK);
      } catch {
        continue;
      }
      seen.add(name);
      symlinkSync(join(from, name), join(bin, name));
    }
  }
  return bin;
}

const dpkgInstalled = (pkg: string): boolean =>
  spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).stdout === 'install ok installed';

describe('set-up: root with apt-get installs the missing system packages itself', () => {
  // The real apt-get, as root (CI and containers). The package it "misses" is one this machine has
  // (tmux, hidden from PATH), so apt-get runs for real and finds it installed: no network, no change.
  const skip =
    process.getuid?.() !== 0
      ? 'not root'
      : !dpkgInstalled('tmux')
        ? 'tmux is not installed with dpkg here'
        : process.env.OPENRTC_SECOND_PASS === '1'
          ? 'ran in the first pass'
          : false;
  it('runs apt-get install for what is missing, then goes on', { skip, timeout: 600_000 }, (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'openrtc-setup-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const r = spawnSync(process.execPath, [join(root, 'scripts/test.mjs'), '--unit', '--setup-only'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, PATH: pathWithout(dir, ['tmux']) },
      timeout: 590_000,
    });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^== apt-get install tmux$/m, 'only the missing package, by its Debian name');
    assert.match(r.stdout, /tmux is already the newest version/, 'apt-get itself ran and answered');
    assert.match(r.stdout, /^set-up complete$/m);
    assert.doesNotMatch(`${r.stdout}${r.stderr}`, /cannot install|sudo apt-get/, 'no stop line: it may install');
    assert.ok(dpkgInstalled('tmux'));
  });
});

describe('set-up: code-server', () => {
  // Installs code-server for real (about a minute with a warm npm cache, more under load). The
  // second unit pass on another Node skips it: the install runs on the PATH's Node either way.
  const skip = process.env.OPENRTC_SECOND_PASS === '1' ? 'ran in the first pass' : false;
  it('npm test in a copy without .tools/ installs code-server itself, once', { skip, timeout: 900_000 }, (t) => {
    const copy = mkdtempSync(join(tmpdir(), 'openrtc-fresh-'));
    t.after(() => rmSync(copy, { recursive: true, force: true }));
    const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.equal(listed.status, 0, listed.stderr);
    for (const file of listed.stdout.split('\0').filter(Boolean)) {
      if (!existsSync(join(root, file))) continue; // deleted in the work tree, not yet committed
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      cpSync(join(root, file), join(copy, file));
    }
    // npm packages come from `npm ci` (the README's first command); the e2e tooling is what is absent.
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
    assert.equal(existsSync(join(copy, '.tools')), false);

    const first = spawnSync('npm', ['test', '--', '--setup-only'], { cwd: copy, encoding: 'utf8' });
    assert.equal(first.status, 0, `${first.stdout}\n${first.stderr}`);
    assert.match(first.stdout, /== code-server for the end-to-end tests \(once, into \.tools\/\)/);
    assert.match(first.stdout, /setup-e2e: code-server 4\.100\.3 ready/);
    const entry = join(copy, '.tools/code-server/node_modules/code-server/out/node/entry.js');
    assert.ok(existsSync(entry), 'code-server installed into the copy');
    // code-server writes a default config under HOME even for --version: keep it in the copy.
    const home = join(copy, 'home');
    mkdirSync(home);
    const version = spawnSync(process.execPath, [entry, '--version'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local') },
    });
    assert.match(
      version.stdout,
      /^4\.100\.3 [0-9a-f]{40} with Code 1\.100\.3$/m,
      `the installed code-server runs: ${version.stdout}${version.stderr}`,
    );

    const second = spawnSync('npm', ['test', '--', '--setup-only'], { cwd: copy, encoding: 'utf8' });
    assert.equal(second.status, 0, second.stderr);
    assert.doesNotMatch(second.stdout, /code-server for the end-to-end tests/, 'the second run installs nothing');
  });
});
