// `openrtc top` live, in a real pseudo-terminal (util-linux `script`): alternate screen,
// keys s/f/t/q, flicker-free redraws, terminal restored on quit, Ctrl-C, and when the runtime goes away.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { poolSnapshot, runtimeServer } from './top-fixtures';

const root = join(__dirname, '..', '..');

class Pty {
  out = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(args: string[]) {
    const top = ['node', '--import', 'tsx', 'runtime/cli/main.ts', 'top', ...args].map((a) => `'${a}'`).join(' ');
    this.child = spawn('script', ['-qfec', `stty cols 160 rows 30; exec ${top}`, '/dev/null'], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (d: Buffer) => (this.out += d.toString()));
    this.child.stderr?.on('data', (d: Buffer) => (this.out += d.toString()));
    this.exited = new Promise((r) => this.child.on('exit', (code) => r(code)));
  }

  send(keys: string): void {
    this.child.stdin?.write(keys);
  }

  async waitFor(re: RegExp, ms = 8000): Promise<void> {
    const until = Date.now() + ms;
    while (!re.test(this.out)) {
      if (Date.now() > until)
        throw new Error(`timed out waiting for ${re} in:\n${JSON.stringify(this.out.slice(-2000))}`);
      await new Promise((r) => setTimeout(r, 30));
    }
  }

  kill(): void {
    this.child.kill();
  }
}

test('live top: alternate screen, keys cycle sort/status/tenant, q restores the terminal', async (t) => {
  const rt = await runtimeServer(poolSnapshot);
  t.after(() => rt.server.close());
  const pty = new Pty(['--socket', rt.path, '--refresh-rate', '10']);
  t.after(() => pty.kill());
  await pty.waitFor(/sess-acme-00/);
  assert.ok(pty.out.includes('\x1b[?1049h'), 'enters the alternate screen');
  assert.match(pty.out, /\x1b\[H[^]*\x1b\[K[^]*\x1b\[J/, 'redraws with cursor home + clear to end of line');
  assert.match(pty.out, /sort cpu_pct↓ · status all · tenant all/);
  pty.send('s');
  await pty.waitFor(/sort duration_s↓/);
  pty.send('f');
  await pty.waitFor(/status active/);
  pty.send('t');
  await pty.waitFor(/tenant acme · agent all · 1\/4 sessions/);
  pty.send('q');
  assert.equal(await pty.exited, 0);
  assert.ok(
    pty.out.trimEnd().endsWith('\x1b[?25h\x1b[?1049l'),
    `restores the screen last: ${JSON.stringify(pty.out.slice(-40))}`,
  );
});

test('live top: Ctrl-C exits 0 and restores the terminal', async (t) => {
  const rt = await runtimeServer(poolSnapshot);
  t.after(() => rt.server.close());
  const pty = new Pty(['--socket', rt.path]);
  t.after(() => pty.kill());
  await pty.waitFor(/sess-acme-00/);
  pty.send('\x03');
  assert.equal(await pty.exited, 0);
  assert.ok(pty.out.includes('\x1b[?1049l'));
});

test('live top: a runtime that goes away mid-run gives a message, not a stack trace', async (t) => {
  const rt = await runtimeServer(poolSnapshot);
  const pty = new Pty(['--socket', rt.path, '--refresh-rate', '5']);
  t.after(() => pty.kill());
  await pty.waitFor(/sess-acme-00/);
  await rt.server.close();
  assert.equal(await pty.exited, 1);
  const afterRestore = pty.out.slice(pty.out.lastIndexOf('\x1b[?1049l'));
  assert.match(afterRestore, /openrtc top: the runtime at .*rt\.sock went away/);
  assert.doesNotMatch(pty.out, /\n\s+at \S+ \(/, 'no stack trace');
});
