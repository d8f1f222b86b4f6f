// A raw client for the control socket, for fuzzing: writes any bytes, decodes whatever frames come
// back with the protocol's own bounded decoder, and reports whether the server closed on it.
import { connect, type Socket } from 'node:net';
import { FrameDecoder } from '../../protocol/framing';

export interface WireReply {
  /** Decoded bodies that carry an `id` (responses); notifications are left out. */
  responses: Record<string, unknown>[];
  closedByServer: boolean;
}

export class RawControlConnection {
  private readonly decoder = new FrameDecoder(16 * 1024 * 1024);
  private readonly responses: Record<string, unknown>[] = [];
  private closed = false;
  private waiters: (() => void)[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      for (const body of this.decoder.push(d)) {
        const msg = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        if ('id' in msg) this.responses.push(msg);
      }
      this.wake();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static open(path: string): Promise<RawControlConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      socket.once('connect', () => resolve(new RawControlConnection(socket)));
      socket.once('error', reject);
    });
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Waits until `done` holds, the server closes the socket, or `timeoutMs` passes. */
  async wait(
    done: (responses: Record<string, unknown>[]) => boolean,
    timeoutMs: number,
  ): Promise<WireReply & { timedOut: boolean }> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.responses) && !this.closed && Date.now() < deadline) {
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
    return {
      responses: [...this.responses],
      closedByServer: this.closed,
      timedOut: !done(this.responses) && !this.closed,
    };
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
