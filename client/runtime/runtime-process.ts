// The bundled runtime as its own Node process (never inside the extension host, where
// AsyncLocalStorage is slow and no flags can be set): `node dist/cli.js run <workspace>`.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface NodeChoice {
  command: string;
  /** Extra env: VS Code's own binary runs as plain Node only with ELECTRON_RUN_AS_NODE. */
  env: Record<string, string>;
  describe: string;
}

/** `openrtc.runtime.nodePath` if set, else `node` on PATH, else VS Code's own Node. */
export function chooseNode(configured: string, pathEnv: string | undefined, execPath: string): NodeChoice {
  if (configured.trim())
    return { command: configured.trim(), env: {}, describe: `${configured.trim()} (openrtc.runtime.nodePath)` };
  for (const dir of (pathEnv ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'node')))
      return { command: join(dir, 'node'), env: {}, describe: `${join(dir, 'node')} (PATH)` };
  }
  return { command: execPath, env: { ELECTRON_RUN_AS_NODE: '1' }, describe: `${execPath} (VS Code's own Node)` };
}

export interface RuntimeProcessOptions {
  node: NodeChoice;
  cliPath: string;
  workspace: string;
  socketPath: string;
  onOutput: (text: string) => void;
  onExit: (code: number | null, signal: NodeJS.Signals | null) => void;
}

export class RuntimeProcess {
  private child: ChildProcess | null;

  constructor(options: RuntimeProcessOptions) {
    if (!existsSync(options.cliPath))
      throw new Error(
        `The runtime CLI is missing at ${options.cliPath}; the extension was packaged without dist/cli.js.`,
      );
    const { node, cliPath, workspace, socketPath } = options;
    const child = spawn(node.command, [cliPath, 'run', workspace, '--socket', socketPath], {
      cwd: workspace,
      env: { ...process.env, ...node.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.setEncoding('utf8').on('data', (s: string) => options.onOutput(s));
    child.stderr?.setEncoding('utf8').on('data', (s: string) => options.onOutput(s));
    child.on('error', (err) => options.onOutput(`could not start ${node.describe}: ${err.message}\n`));
    child.on('exit', (code, signal) => {
      this.child = null;
      options.onExit(code, signal);
    });
  }

  get running(): boolean {
    return this.child !== null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** SIGTERM (the runtime flushes logs and drains), SIGKILL if it has not gone after `graceMs`. */
  stop(graceMs = 5000): Promise<void> {
    const child = this.child;
    if (!child) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}
