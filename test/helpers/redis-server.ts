// A real `redis-server` for tests (issue 15, Deliver 5): its own temp dir, a free loopback port,
// no persistence (nothing survives a stop, like a lost Redis host), stopped by its pid. stop() and
// start() again keep the port, so runtimes configured with the URL see an outage and a recovery.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const READY = /Ready to accept connections/;

export class RedisServer {
  private child: ChildProcess | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), 'openrtc-redis-'));

  private constructor(
    readonly port: number,
    private readonly password: string | null,
  ) {}

  /** Starts one on a free port; throws with redis-server's output when it does not come up. */
  static async start(opts: { password?: string } = {}): Promise<RedisServer> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      const server = new RedisServer(await freePort(), opts.password ?? null);
      try {
        await server.start();
        return server;
      } catch (err) {
        // Another process may take the port between freePort() and bind: try another.
        lastError = err;
        server.removeDir();
      }
    }
    throw lastError;
  }

  get url(): string {
    const auth = this.password === null ? '' : `:${encodeURIComponent(this.password)}@`;
    return `redis://${auth}127.0.0.1:${this.port}`;
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** (Re)starts on the same port, empty. */
  async start(): Promise<void> {
    if (this.child) return;
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    args.push('--dir', this.dir, '--daemonize', 'no', '--protected-mode', 'no', '--loglevel', 'notice');
    if (this.password !== null) args.push('--requirepass', this.password);
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error('redis-server did not start within 10 s')), 10_000);
      const fail = (err: Error): void => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`${err.message}\n${output}`));
      };
      const onData = (b: Buffer): void => {
        output += b.toString();
        if (READY.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('error', fail);
      child.once('exit', (code) => fail(new Error(`redis-server exited with ${code}`)));
    });
    child.removeAllListeners('exit');
    child.stdout.removeAllListeners('data');
    child.stderr.removeAllListeners('data');
    child.stdout.resume();
    child.stderr.resume();
    this.child = child;
  }

  /** Stops it by its pid (SIGKILL: an outage, not a polite shutdown) and waits for the exit. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  /** Stops it and removes its directory. */
  async dispose(): Promise<void> {
    await this.stop();
    this.removeDir();
  }

  private removeDir(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
