// The same extension-host suite through @vscode/test-electron, for machines that can download
// VS Code:   node test/e2e/test-electron.mjs
// Offline (this machine), point it at code-server through the shim, which takes test-electron's
// command line and runs the suite in code-server:
//            node test/e2e/test-electron.mjs --code-server
// or set OPENRTC_VSCODE_EXECUTABLE to any VS Code binary already on the machine.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';
import { bundleSuite, freshWorkspace } from './lib/prepare.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const extensionTestsPath = await bundleSuite(root);
const workspace = freshWorkspace(root);
const vscodeExecutablePath = process.argv.includes('--code-server')
  ? join(root, 'test/e2e/code-server-shim.mjs')
  : process.env.OPENRTC_VSCODE_EXECUTABLE;
let code = 1;
try {
  code = await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath,
    launchArgs: [workspace, '--disable-extensions'],
    ...(vscodeExecutablePath ? { vscodeExecutablePath } : {}),
  });
} catch (err) {
  console.error(`test-electron: ${err.message ?? err}`);
} finally {
  rmSync(workspace, { recursive: true, force: true });
}
process.exit(code);
