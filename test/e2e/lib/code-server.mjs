// code-server 4.100.3 (from scripts/setup-e2e.sh) with all of its state in a private scratch
// dir, in its own process group so it can be stopped with everything it spawned.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export function codeServerEntry(root) {
  const entry = join(root, '.tools/code-server/node_modules/code-server/out/node/entry.js');
  if (!existsSync(entry))
    throw new Error(`code-server is not installed (${entry} missing): run bash scripts/setup-e2e.sh`);
  return entry;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Private HOME/XDG/TMPDIR dirs plus code-server's user-data, extensions dir and config.
 * `trust` leaves workspace trust on (the Restricted Mode test): the folder then opens untrusted.
 */
export function makeScratch(root, name, settings = {}, { trust = false } = {}) {
  const base = join(root, '.tools/e2e-runs');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, `${name}-`));
  const d = (p) => {
    const full = join(dir, p);
    mkdirSync(full, { recursive: true });
    return full;
  };
  const scratch = {
    dir,
    home: d('home'),
    tmp: d('tmp'),
    userData: d('user-data'),
    extensions: d('extensions'),
    config: join(dir, 'config.yaml'),
    trust,
    env: {},
  };
  scratch.env = {
    HOME: scratch.home,
    XDG_CONFIG_HOME: d('xdg-config'),
    XDG_DATA_HOME: d('xdg-data'),
    XDG_CACHE_HOME: d('xdg-cache'),
    XDG_RUNTIME_DIR: d('xdg-runtime'),
    TMPDIR: scratch.tmp,
  };
  writeFileSync(scratch.config, 'cert: false\nauth: none\n');
  mkdirSync(join(scratch.userData, 'User'), { recursive: true });
  writeFileSync(
    join(scratch.userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        // The welcome walkthrough steals focus and breaks keyboard automation.
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'update.mode': 'none',
        'git.enabled': false,
        'security.workspace.trust.enabled': trust,
        'typescript.disableAutomaticTypeAcquisition': true,
        ...settings,
      },
      null,
      2,
    ),
  );
  return scratch;
}

function baseArgs(scratch) {
  return [
    '--config',
    scratch.config,
    '--disable-telemetry',
    '--disable-update-check',
    ...(scratch.trust ? [] : ['--disable-workspace-trust']),
    '--extensions-dir',
    scratch.extensions,
    '--user-data-dir',
    scratch.userData,
  ];
}

export function installExtension(root, scratch, vsix) {
  const r = spawnSync(process.execPath, [codeServerEntry(root), ...baseArgs(scratch), '--install-extension', vsix], {
    env: { ...process.env, ...scratch.env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0)
    throw new Error(
      `code-server --install-extension ${vsix} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`,
    );
}

/** Starts code-server on a free port for `folder`; resolves once /healthz answers. */
export async function startCodeServer(root, scratch, { extraEnv = {}, log = () => {} } = {}) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [codeServerEntry(root), ...baseArgs(scratch), '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`],
    {
      env: { ...process.env, ...scratch.env, ...extraEnv },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const keep = (s) => {
    output = (output + s).slice(-20_000);
    log(s);
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited early (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      stopGroup(child);
      throw new Error(`code-server did not become healthy within 30s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, child, output: () => output };
}

/** Stops the whole process group (code-server, its file watcher, extension hosts, runtimes). */
export function stopGroup(child) {
  if (!child?.pid) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  const deadline = Date.now() + 3000;
  const check = () => {
    try {
      process.kill(-child.pid, 0);
    } catch {
      return true;
    }
    return false;
  };
  while (!check() && Date.now() < deadline) spawnSync('sleep', ['0.1']);
  if (!check()) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // gone in between
    }
  }
}

export function removeScratch(scratch) {
  rmSync(scratch.dir, { recursive: true, force: true });
}
