// What the control thread and the main thread say to each other. The control thread owns the
// socket and never runs agent code; the main thread publishes its state and serves the requests
// that need its loop.
import type { MessagePort } from 'node:worker_threads';
import type { HelloResult, RuntimeEvent, RuntimeSnapshot } from '../../../protocol/control';
import type { ApiMethod, Params } from '../server';

export interface ControlThreadInit {
  socketPath: string;
  privateDir: boolean;
  maxMessageBytes?: number;
  maxEventBacklogBytes?: number;
  partialFrameTimeoutMs?: number;
  maxConnections?: number;
  hello: HelloResult;
  snapshot: RuntimeSnapshot;
  /** The watchdog's heartbeat buffer and live stall feed; absent when the runtime has no watchdog. */
  heartbeat?: SharedArrayBuffer;
  live?: MessagePort;
}

/** main → control thread */
export type ToControlThread =
  | { type: 'published'; snapshot: RuntimeSnapshot }
  | { type: 'event'; event: RuntimeEvent }
  | { type: 'response'; id: number; result: unknown }
  | { type: 'response'; id: number; error: { code: number; message: string } }
  | { type: 'close' };

/** control thread → main */
export type FromControlThread =
  | { type: 'listening' }
  | { type: 'listen-failed'; message: string; socketPathError: boolean }
  /** `claim`: a LoopClaim's buffer; the main thread serves the request only if it wins the claim. */
  | { type: 'request'; id: number; method: ApiMethod; params: Params; claim: SharedArrayBuffer }
  /** Whether any connection subscribes: the main thread relays events only while one does. */
  | { type: 'events'; wanted: boolean }
  | { type: 'connections'; count: number }
  | { type: 'dropped'; reason: string }
  | { type: 'closed' };
