// A vscode-jsonrpc MessageReader over a socket that enforces the frame limits before
// buffering a body, and treats anything that is not a JSON-RPC 2.0 object as garbled.
// Any error is fired once; the server then closes this connection (and only this one).
import type { Socket } from 'node:net';
import { AbstractMessageReader, Disposable, type DataCallback, type Message } from 'vscode-jsonrpc/node';
import { FrameDecoder, FrameError } from '../../protocol/framing.js';

export class BoundedSocketReader extends AbstractMessageReader {
  private readonly decoder: FrameDecoder;
  private failed = false;

  constructor(
    private readonly socket: Socket,
    maxMessageBytes: number,
  ) {
    super();
    this.decoder = new FrameDecoder(maxMessageBytes);
  }

  listen(callback: DataCallback): Disposable {
    const onData = (chunk: Buffer): void => {
      if (this.failed) return;
      try {
        for (const body of this.decoder.push(chunk)) callback(parseMessage(body));
      } catch (error) {
        this.failed = true;
        this.fireError(error);
      }
    };
    const onClose = (): void => this.fireClose();
    this.socket.on('data', onData);
    this.socket.on('close', onClose);
    return Disposable.create(() => {
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
    throw new FrameError('garbled', `body is not JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FrameError('garbled', 'body is not a JSON-RPC message object (batches are not supported)');
  }
  if ((value as { jsonrpc?: unknown }).jsonrpc !== '2.0') {
    throw new FrameError('garbled', 'body lacks "jsonrpc": "2.0"');
  }
  return value as Message;
}
