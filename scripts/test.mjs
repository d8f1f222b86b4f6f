// The README's test command. It sets itself up first (scripts/setup/ensure.mjs: system packages when
// root, else one line naming them and exit 3; code-server into .tools/ once), then: typecheck, lint
// (eslint + prettier --check), build, unit tests (node:test), and the end-to-end suites in a real
// VS Code (code-server's Node) when they are present and not skipped.
//   node scripts/test.mjs              everything
//   node scripts/test.mjs --unit       set-up for the unit stage, typecheck, lint, unit tests only
//   node scripts/test.mjs --node24     also run the unit suite again on Node 24 (.tools/node24; CI does)
//   node scripts/test.mjs --setup-only the set-up step alone, then exit
//   node scripts/test.mjs FILE...      just these unit test files (no set-up, no typecheck)
// OPENRTC_TEST_CONCURRENCY=N runs N test files at once (default 1: several timing checks compare
// a loaded loop against a quiet one, and two files at once on two cores blur that).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCodeServer, ensureNode24, ensureSystemPackages } from './setup/ensure.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const setupOnly = args.includes('--setup-only');
const alsoNode24 = args.includes('--node24');
const files = args.filter((a) => !a.startsWith('--'));
const e2e = join(root, 'test/e2e/run.mjs');
const withE2e = !unitOnly && files.length === 0 && existsSync(e2e) && process.env.OPENRTC_SKIP_E2E !== '1';

function run(label, cmd, cmdArgs, env = {}) {
  console.log(`\n== ${label}`);
  const started = Date.now();
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`\n${label} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
  console.log(`== ${label}: ok in ${Math.round((Date.now() - started) / 1000)} s`);
}

function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name === 'fixtures' || name === 'e2e' || name === 'node_modules') continue;
      findTests(p, out);
    } else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

let node24;
if (files.length === 0) {
  // Before any test: a missing package stops here, not half-way through the suite.
  ensureSystemPackages(withE2e ? ['unit', 'e2e'] : ['unit']);
  if (withE2e) ensureCodeServer(root);
  if (alsoNode24) node24 = ensureNode24(root);
  if (setupOnly) {
    console.log('set-up complete');
    process.exit(0);
  }
}

const node = process.execPath;
if (files.length === 0) {
  run('typecheck', node, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.', '--noEmit']);
  run('lint', node, [join(root, 'node_modules/eslint/bin/eslint.js'), '.']);
  run('format', node, [join(root, 'node_modules/prettier/bin/prettier.cjs'), '--check', '.']);
  run('build', node, [join(root, 'scripts/build.mjs')]);
}
const tests = files.length ? files : findTests(join(root, 'test')).sort();
const concurrency = Number(process.env.OPENRTC_TEST_CONCURRENCY ?? 1);
if (!Number.isInteger(concurrency) || concurrency < 1) {
  console.error(`OPENRTC_TEST_CONCURRENCY must be a whole number ≥ 1 (got ${process.env.OPENRTC_TEST_CONCURRENCY})`);
  process.exit(2);
}
const unitArgs = ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...tests];
run(`unit tests on Node ${process.versions.node} (${tests.length} files)`, node, unitArgs);
if (node24) {
  // Children that run `node` from PATH get Node 24 too; OPENRTC_SECOND_PASS lets the set-up tests,
  // which install code-server and do not depend on the test Node, run once.
  const path = `${dirname(node24)}${delimiter}${process.env.PATH ?? ''}`;
  const version = spawnSync(node24, ['--version'], { encoding: 'utf8' }).stdout.trim();
  run(`unit tests on Node ${version} (${tests.length} files)`, node24, unitArgs, {
    PATH: path,
    OPENRTC_SECOND_PASS: '1',
  });
}

if (withE2e) run('end-to-end tests in code-server', node, [e2e]);
