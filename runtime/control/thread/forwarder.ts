// The control thread's dispatch: reads are answered here, from what the main thread published
// and the live block; everything else goes to the main loop with the caller's bound, and fails
// naming the block in progress when the loop does not take it in time.
import {
  ControlError,
  ErrorCodes,
  type HelloResult,
  type RuntimeEvent,
  type RuntimeSnapshot,
} from '../../../protocol/control';
import { Methods, controlMethods } from '../../../protocol/methods';
import { describeLoopBlock } from '../../../protocol/loop-block';
import type { ControlDispatch, ApiMethod, Params } from '../server';
import type { LiveBlockView } from './live-block';
import { LoopClaim } from './loop-claim';
import type { FromControlThread, ToControlThread } from './messages';

/** A fresh read may wait this long for a loop that beats; past it the published state answers. */
export const FRESH_READ_WAIT_MS = 50;

interface Pending {
  resolve(result: unknown): void;
  reject(error: ControlError): void;
}

export interface ForwarderDeps {
  send(msg: FromControlThread): void;
  live: LiveBlockView;
  hello: HelloResult;
  snapshot: RuntimeSnapshot;
  setTimer(fn: () => void, ms: number): { cancel(): void };
}

export class Forwarder implements ControlDispatch {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(event: RuntimeEvent) => void>();
  private published: RuntimeSnapshot;

  constructor(private readonly deps: ForwarderDeps) {
    this.published = deps.snapshot;
  }

  onMain(msg: ToControlThread): void {
    switch (msg.type) {
      case 'published':
        this.published = msg.snapshot;
        return;
      case 'event':
        for (const listener of this.listeners) listener(msg.event);
        return;
      case 'response': {
        const pending = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if ('error' in msg) pending?.reject(new ControlError(msg.error.code, msg.error.message));
        else pending?.resolve(msg.result);
        return;
      }
      case 'close':
        return;
    }
  }

  onEvent(listener: (event: RuntimeEvent) => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.deps.send({ type: 'events', wanted: true });
    return () => {
      if (this.listeners.delete(listener) && this.listeners.size === 0)
        this.deps.send({ type: 'events', wanted: false });
    };
  }

  async call(method: ApiMethod, params: Params, waitMs: number): Promise<unknown> {
    if (method === Methods.hello) return this.deps.hello;
    if (method === Methods.snapshot || method === Methods.sessions) {
      const fresh = this.deps.live.current() ? null : await this.forward(method, params, FRESH_READ_WAIT_MS, null);
      if (method === Methods.snapshot) {
        if (fresh) this.published = fresh as RuntimeSnapshot;
        return fresh ?? { ...this.published, loop: this.deps.live.current() };
      }
      return fresh ?? this.published.sessions;
    }
    if (!controlMethods[method].needsMainLoop)
      throw new ControlError(ErrorCodes.Unsupported, `${method}: not served by the control thread`);
    return this.forward(method, params, waitMs, method);
  }

  /** Rejects every request still waiting (the main thread is going away). */
  failPending(why: string): void {
    for (const pending of this.pending.values()) pending.reject(new ControlError(ErrorCodes.LoopBlocked, why));
    this.pending.clear();
  }

  /**
   * Sends a request to the main loop. When the loop does not take it within `waitMs`: a read
   * (`failAs` null) resolves null; anything else rejects with LoopBlocked naming the block.
   */
  private forward(method: ApiMethod, params: Params, waitMs: number, failAs: string | null): Promise<unknown> {
    const id = this.nextId++;
    const claim = new LoopClaim();
    return new Promise((resolve, reject) => {
      const timer = this.deps.setTimer(() => {
        if (!claim.expire()) return; // the loop took it: its answer is on the way
        this.pending.delete(id);
        if (failAs === null) resolve(null);
        else reject(new ControlError(ErrorCodes.LoopBlocked, this.notApplied(failAs, waitMs)));
      }, waitMs);
      this.pending.set(id, {
        resolve: (result) => {
          timer.cancel();
          resolve(result);
        },
        reject: (error) => {
          timer.cancel();
          reject(error);
        },
      });
      this.deps.send({ type: 'request', id, method, params, claim: claim.buffer });
    });
  }

  private notApplied(method: string, waitMs: number): string {
    const block = this.deps.live.current();
    const why = block
      ? describeLoopBlock(block, this.deps.hello.workspace)
      : 'the runtime did not take it (its event loop is busy)';
    return `${method} not applied after waiting ${waitMs} ms: ${why}; nothing changed (retry, or wait longer)`;
  }
}
