// How the real CLI's output reaches its reader (runtime/cli/fd-output.ts): a report many times
// a pipe's buffer arrives whole through a pipe, a file, a pipe read only seconds later and a
// non-blocking pipe read late (the descriptor answers EAGAIN, which is waited out); a reader
// that goes away early (`| head`) ends the CLI with 0 and nothing on stderr.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { checkSuite } from './check-harness';

const { check, workspace } = checkSuite();
const CALLS = 3000;
/** One async function with CALLS blocking calls: a --json report of ~1 MB, sixteen times a pipe's 64 KB. */
const manyFindings = {
  'agent.py': `import time\n\n\nasync def entry():\n${'    time.sleep(1)\n'.repeat(CALLS)}`,
};

const cli = (): string => path.join(check.dir, 'cli.js');

/** How long a reader waits before its first read: past the 2 s in which the CLI, its command done, exits anyway. */
const LATE_MS = 3500;

/** Runs `node ARGS` with its stdout a pipe this test reads only after LATE_MS. */
function readLate(
  args: readonly string[],
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd });
    child.stdout.pause();
    const chunks: Buffer[] = [];
    let stderr = '';
    setTimeout(() => child.stdout.on('data', (d: Buffer) => chunks.push(d)).resume(), LATE_MS);
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(chunks).toString('utf8'), stderr }));
  });
}

describe('the CLI writes its output to the descriptors it was given', () => {
  it('a report many times a pipe buffer arrives whole: pipe, file, a pipe read late, a non-blocking pipe read late', async () => {
    const ws = workspace(manyFindings);
    const piped = await check.run(ws.root, ['--json', '--no-cache']);
    assert.equal(piped.code, 1, piped.stderr);
    assert.equal((JSON.parse(piped.stdout) as unknown[]).length, CALLS);

    const file = path.join(ws.root, 'report.json');
    const fd = openSync(file, 'w');
    const toFile = spawnSync(process.execPath, [cli(), 'check', '--json', '--no-cache'], {
      cwd: ws.root,
      stdio: ['ignore', fd, 'pipe'],
    });
    closeSync(fd);
    assert.equal(toFile.status, 1, toFile.stderr.toString());
    assert.equal(readFileSync(file, 'utf8'), piped.stdout, 'to a file');

    // Read late, straight (a stream on stdout queued what the reader had not taken, and the CLI's exit 2 s after
    // its command lost it: `openrtc check --json | (sleep 3; wc -c)` counted 65,466 of 867,813 bytes), and through
    // a parent Node process that has used its stdout (Node makes that pipe non-blocking: EAGAIN) and shares it.
    await check.run(ws.root, ['--json']); // warm: the report is out at once, long before the reader reads
    const parent = `
      process.stdout.write('');
      const flags = parseInt(/flags:\\s+(\\d+)/.exec(require('fs').readFileSync('/proc/self/fdinfo/1', 'utf8'))[1], 8);
      console.error('nonblocking=' + ((flags & 0o4000) !== 0));
      const r = require('child_process').spawnSync(process.execPath, [${JSON.stringify(cli())}, 'check', '--json'], { stdio: 'inherit' });
      process.exitCode = r.status;`;
    const [late, shared] = await Promise.all([
      readLate([cli(), 'check', '--json'], ws.root),
      readLate(['-e', parent], ws.root),
    ]);
    assert.equal(late.code, 1, late.stderr);
    assert.equal(late.stdout, piped.stdout, 'read late');
    assert.match(shared.stderr, /nonblocking=true/, 'the pipe the CLI inherits is non-blocking');
    assert.equal(shared.code, 1, shared.stderr);
    assert.equal(shared.stdout, piped.stdout, 'through a non-blocking pipe read late');
  });

  it('a reader that goes away early (| head) ends the CLI with 0 and nothing on stderr', async () => {
    const ws = workspace(manyFindings);
    const child = spawn(process.execPath, [cli(), 'check', '--json', '--no-cache'], { cwd: ws.root });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stderr, /EPIPE|Error/);
  });
});
