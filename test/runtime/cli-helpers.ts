// Runs the real, bundled `openrtc` CLI as child processes. The bundle is built once per test
// file into a private folder under .tools/ (gitignored): dist/ is shared with teammates' test
// runs, which rebuild (and wipe) it concurrently. Inside the repo so `esbuild` (external) resolves.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export class BuiltCli {
  readonly dir: string;

  constructor(name: string) {
    this.dir = join(root, '.tools', `test-${name}-${process.pid}`);
  }

  /** `extra`: more bundles to build beside the CLI (e.g. 'tenant-child' for process isolation). */
  build(extra: readonly string[] = []): void {
    mkdirSync(this.dir, { recursive: true });
    const only = ['cli', 'watchdog', 'control-thread', ...extra].join(',');
    const r = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--outdir', this.dir, '--only', only], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  get entry(): string {
    return join(this.dir, 'cli.js');
  }

  /** Runs one command to completion. `env` replaces OPENRTC_SOCKET handling when given. */
  run(args: string[], env: NodeJS.ProcessEnv = {}, cwd: string = root): Promise<CliResult> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [this.entry, ...args], {
        cwd,
        env: { ...process.env, OPENRTC_SOCKET: '', ...env },
      });
      let stdout = '';
      let stderr = '';
      // Decoded across chunks: a chunk may end inside a character ('→' is three bytes).
      child.stdout.setEncoding('utf8');
      child.stderr.setEncoding('utf8');
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  /** Starts a long-running command (`run`) and resolves once a stdout line matches `ready`. */
  async start(
    args: string[],
    ready: RegExp,
    env: NodeJS.ProcessEnv = {},
    timeoutMs = 20_000,
  ): Promise<{ child: ChildProcessWithoutNullStreams; line: string; output: () => string }> {
    const child = spawn(process.execPath, [this.entry, ...args], {
      cwd: root,
      env: { ...process.env, OPENRTC_SOCKET: '', ...env },
    });
    let out = '';
    child.stderr.on('data', (d) => (out += d));
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready within ${timeoutMs} ms: ${out}`)), timeoutMs);
      child.stdout.on('data', (d) => {
        out += d;
        const hit = out.split('\n').find((l) => ready.test(l));
        if (hit) {
          clearTimeout(timer);
          resolve(hit);
        }
      });
      child.on('exit', (code) => reject(new Error(`exited ${code} before ready: ${out}`)));
    });
    return { child, line, output: () => out };
  }
}

export function exitOf(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}
