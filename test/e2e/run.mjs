// End-to-end stage (called by scripts/test.mjs after the unit tests):
//   1. package the extension (`npm run package`: production build + vsce, no node_modules);
//   2. extension-host specs (mocha) in code-server's real extension host, headless;
//   3. a Playwright UI test with Debian's Chromium against the installed .vsix, screenshots
//      under test/e2e/screenshots/.
//   4. the same .vsix in Restricted Mode (workspace trust on, folder untrusted).
// Prints a closing `N passed, N failed`. OPENRTC_E2E_ONLY=host|ui|restricted runs one part.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runHostTests } from './host-tests.mjs';
import { bundleSuite, freshWorkspace } from './lib/prepare.mjs';
import { runRestrictedTest } from './ui-restricted.mjs';
import { runUiTest } from './ui-test.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const only = process.env.OPENRTC_E2E_ONLY;
const started = Date.now();
const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;

function step(label, cmd, args) {
  console.log(`-- ${label}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`${label} failed (exit ${r.status ?? r.signal})`);
}

let passed = 0;
let failed = 0;
let skipped = 0;
const workspaces = [];
try {
  if (!existsSync(join(root, '.tools/code-server/node_modules/code-server/out/node/entry.js'))) {
    throw new Error('code-server is not installed: run `bash scripts/setup-e2e.sh` (.ci/run does)');
  }
  const vsix = join(root, 'openrtc.vsix');
  if (only === 'host') step('build', process.execPath, [join(root, 'scripts/build.mjs')]);
  else {
    rmSync(vsix, { force: true });
    step('package the extension (npm run package)', 'npm', ['run', '--silent', 'package']);
    if (!existsSync(vsix)) throw new Error('npm run package did not produce openrtc.vsix');
  }

  if (only === undefined || only === 'host') {
    console.log('-- bundle the extension-host specs');
    const testsEntry = await bundleSuite(root);
    console.log(`-- extension-host tests in code-server (${seconds()})`);
    const workspace = freshWorkspace(root);
    workspaces.push(workspace);
    const host = await runHostTests({ root, workspace, testsEntry, timeoutMs: 150_000 });
    passed += host.passed;
    failed += host.failed;
    skipped += host.skipped;
    for (const f of host.failures) console.log(`  ✗ ${f}`);
    if (host.exitCode !== 0 && host.failed === 0) failed += 1; // crashed or timed out before mocha could count
  }

  if (only === undefined || only === 'ui') {
    console.log(`-- UI test with Chromium (${seconds()})`);
    const workspace = freshWorkspace(root);
    workspaces.push(workspace);
    const ui = await runUiTest({ root, workspace, vsix, screenshots: join(root, 'test/e2e/screenshots') });
    passed += ui.passed;
    failed += ui.failed;
  }

  if (only === undefined || only === 'restricted') {
    console.log(`-- Restricted Mode UI test (${seconds()})`);
    const workspace = freshWorkspace(root);
    workspaces.push(workspace);
    const restricted = await runRestrictedTest({
      root,
      workspace,
      vsix,
      screenshots: join(root, 'test/e2e/screenshots'),
    });
    passed += restricted.passed;
    failed += restricted.failed;
  }
} catch (err) {
  console.error(`e2e: ${err.message}`);
  failed += 1;
} finally {
  for (const w of workspaces) rmSync(w, { recursive: true, force: true });
}
console.log(`\ne2e finished in ${seconds()}${skipped ? ` (${skipped} spec(s) skipped)` : ''}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
