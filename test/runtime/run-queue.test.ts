// The run-queue clock reads the real /proc schedstat: a main thread that shares one core with a
// spinning process waits for it, and the clock shows about the wait; alone on a core it does not.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { test } from 'node:test';

const hasTaskset = spawnSync('taskset', ['--version']).status === 0;

/** Spins 400 ms of wall time pinned to CPU 0 and prints the run-queue wait the clock saw. */
const probe = `
const { mainThreadRunQueueClock } = require(${JSON.stringify(require.resolve('../../runtime/attribution/run-queue'))});
const clock = mainThreadRunQueueClock();
const before = clock();
const end = Date.now() + 400;
while (Date.now() < end);
console.log(JSON.stringify({ waitedMs: clock() - before }));
`;

function runProbe(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', '0', process.execPath, '--import', 'tsx', '-e', probe], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve((JSON.parse(out) as { waitedMs: number }).waitedMs)
        : reject(new Error(`probe exited ${code}`)),
    );
  });
}

test(
  'the main thread run-queue clock counts the time spent waiting for a shared core',
  { skip: process.platform !== 'linux' || !hasTaskset },
  async () => {
    const spinner = spawn(
      'taskset',
      ['-c', '0', process.execPath, '-e', 'const e = Date.now() + 3000; while (Date.now() < e);'],
      { stdio: 'ignore' },
    );
    try {
      await new Promise((r) => setTimeout(r, 200)); // the spinner is running on CPU 0
      const shared = await runProbe();
      // Two runnable threads on one core: the probe waits for about half of its 400 ms.
      console.log(`run-queue wait while sharing a core: ${shared.toFixed(1)} ms`);
      assert.ok(shared > 60, `waited ${shared.toFixed(1)} ms for the core it shared with a spinner`);
    } finally {
      spinner.kill();
    }
  },
);
