#!/usr/bin/env node
// Stands in for a VS Code executable under @vscode/test-electron: reads the flags it passes
// (--extensionDevelopmentPath=, --extensionTestsPath=, the folder) and runs the suite in
// code-server. test-electron's other flags (--no-sandbox, --user-data-dir=, …) do not apply.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runHostTests } from './host-tests.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const flag = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const extensionDevelopmentPath = flag('extensionDevelopmentPath');
const testsEntry = flag('extensionTestsPath');
const workspace = process.argv.slice(2).find((a) => !a.startsWith('-'));
if (!extensionDevelopmentPath || !testsEntry || !workspace) {
  console.error('code-server-shim: expected --extensionDevelopmentPath=, --extensionTestsPath= and a folder');
  process.exit(2);
}
if (extensionDevelopmentPath !== root) console.warn(`code-server-shim: loads the extension from ${root}`);
const result = await runHostTests({ root, workspace, testsEntry });
console.log(`${result.passed} passed, ${result.failed} failed`);
process.exit(result.exitCode);
