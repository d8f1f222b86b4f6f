// The README's test command: typecheck, lint (eslint + prettier --check), build, unit tests
// (node:test), then the end-to-end suites in a real VS Code when they are present and not skipped.
//   node scripts/test.mjs            everything
//   node scripts/test.mjs --unit     typecheck + lint + unit tests only
//   node scripts/test.mjs FILE...    just these unit test files (no typecheck)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const files = args.filter((a) => !a.startsWith('--'));

function run(label, cmd, cmdArgs, env = {}) {
  console.log(`\n== ${label}`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`\n${label} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
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

const node = process.execPath;
if (files.length === 0) {
  run('typecheck', node, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.', '--noEmit']);
  run('lint', node, [join(root, 'node_modules/eslint/bin/eslint.js'), '.']);
  run('format', node, [join(root, 'node_modules/prettier/bin/prettier.cjs'), '--check', '.']);
  run('build', node, [join(root, 'scripts/build.mjs')]);
}
const tests = files.length ? files : findTests(join(root, 'test')).sort();
run(`unit tests (${tests.length} files)`, node, ['--import', 'tsx', '--test', '--test-reporter=spec', ...tests]);

const e2e = join(root, 'test/e2e/run.mjs');
if (!unitOnly && files.length === 0 && existsSync(e2e) && process.env.OPENRTC_SKIP_E2E !== '1') {
  run('end-to-end tests in code-server', node, [e2e]);
}
