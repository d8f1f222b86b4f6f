// A vscode-jsonrpc MessageReader over a socket that enforces the frame limits before
// buffering a body, treats anything that is not a JSON-RPC 2.0 object as garbled, and gives a
// started frame a deadline (a client trickling bytes must not hold its buffer forever).
// Any error is fired once; the server then closes this connection (and only this one).
import type { Socket } from 'node:net';
import { AbstractMessageReader, Disposable, type DataCallback, type Message } from 'vscode-jsonrpc/node';
import { FrameDecoder, FrameError } from '../../protocol/framing';
import { messageOf } from '../../protocol/errors';

export const DEFAULT_PARTIAL_FRAME_TIMEOUT_MS = 10_000;

export class BoundedSocketReader extends AbstractMessageReader {
  private readonly decoder: FrameDecoder;
  private failed = false;
  private partialTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly socket: Socket,
    maxMessageBytes: number,
    private readonly partialFrameTimeoutMs: number = DEFAULT_PARTIAL_FRAME_TIMEOUT_MS,
  ) {
    super();
    this.decoder = new FrameDecoder(maxMessageBytes);
  }

  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.clearPartialTimer();
    this.fireError(error);
  }

  private clearPartialTimer(): void {
    if (this.partialTimer) clearTimeout(this.partialTimer);
    this.partialTimer = null;
  }

  listen(callback: DataCallback): Disposable {
    const onData = (chunk: Buffer): void => {
      if (this.failed) return;
      try {
        for (const body of this.decoder.push(chunk)) callback(parseMessage(body));
      } catch (error) {
        this.fail(error);
        return;
      }
      if (!this.decoder.midFrame) this.clearPartialTimer();
      else if (!this.partialTimer) {
        const timeoutMs = this.partialFrameTimeoutMs;
        this.partialTimer = setTimeout(
          () => this.fail(new FrameError('garbled', `a message stayed incomplete for ${timeoutMs} ms`)),
          timeoutMs,
        );
        this.partialTimer.unref();
      }
    };
    const onClose = (): void => {
      this.clearPartialTimer();
      this.fireClose();
    };
    this.socket.on('data', onData);
    this.socket.on('close', onClose);
    return Disposable.create(() => {
      this.clearPartialTimer();
      this.socket.off('data', onData);
      this.socket.off('close', onClose);
    });
  }
}

function parseMessage(body: Buffer): Message {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new FrameError('garbled', `body is not JSON (${messageOf(error)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FrameError('garbled', 'body is not a JSON-RPC message object (batches are not supported)');
  }
  if ((value as { jsonrpc?: unknown }).jsonrpc !== '2.0') {
    throw new FrameError('garbled', 'body lacks "jsonrpc": "2.0"');
  }
  return value as Message;
}
