// `npm run package`: the production build, then vsce on Node 24. @vscode/vsce 4 declares
// node >= 22, so it runs on the Node 24 the unit suite's second pass uses (.tools/node24),
// whatever Node runs npm; code-server and the e2e suite stay on their Node 20.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNode24 } from './setup/ensure.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status || 1);
}

run(process.execPath, [join(root, 'scripts/build.mjs'), '--production']);
const node24 = ensureNode24(root);
run(node24, [join(root, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--out', 'openrtc.vsix']);
