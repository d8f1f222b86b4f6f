// One Redis connection per runtime (issue 15): ioredis, with the availability state the fleet's
// fail modes decide on. Commands fail fast while the link is down (no offline queue, one retry)
// so an admission never waits behind a reconnect; the link itself keeps reconnecting with a
// capped backoff. Log lines name the host and port only: the URL may carry a password.
import { Redis } from 'ioredis';
import { messageOf } from '../../protocol/errors';
import { publicRedisUrl } from './settings';

export type LinkState = 'connecting' | 'up' | 'down';

export interface LinkStatus {
  state: LinkState;
  /** host:port as logs may show it. */
  redis: string;
  /** Last connection error (no credentials: ioredis names host and port). */
  lastError: string | null;
  /** Times the link came up after being down. */
  reconnects: number;
}

export type LinkListener = (state: LinkState, previous: LinkState) => void;

export interface RedisLinkOptions {
  /** Per-command deadline: an admission waits at most this long for Redis (default 500 ms). */
  commandTimeoutMs?: number;
  /** Longest pause between reconnect attempts (default 1000 ms). */
  maxReconnectDelayMs?: number;
}

export class RedisLink {
  readonly redis: Redis;
  private current: LinkState = 'connecting';
  private everUp = false;
  private lastError: string | null = null;
  private reconnects = 0;
  private readonly listeners = new Set<LinkListener>();
  private closed = false;

  constructor(
    private readonly url: string,
    opts: RedisLinkOptions = {},
  ) {
    const maxDelay = opts.maxReconnectDelayMs ?? 1000;
    this.redis = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: opts.commandTimeoutMs ?? 500,
      connectTimeout: 2000,
      retryStrategy: (attempt) => (this.closed ? null : Math.min(maxDelay, 50 * 2 ** Math.min(attempt, 10))),
    });
    this.redis.on('ready', () => this.set('up'));
    this.redis.on('close', () => this.set('down'));
    this.redis.on('error', (err: unknown) => {
      this.lastError = messageOf(err);
    });
  }

  /** Starts connecting; resolves once up or after the first failure (the link keeps retrying). */
  async open(): Promise<void> {
    try {
      await this.redis.connect();
    } catch (err) {
      this.lastError = messageOf(err);
      this.set('down');
    }
  }

  get state(): LinkState {
    return this.current;
  }

  status(): LinkStatus {
    return {
      state: this.current,
      redis: publicRedisUrl(this.url),
      lastError: this.lastError,
      reconnects: this.reconnects,
    };
  }

  onState(listener: LinkListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
    this.set('down');
    this.listeners.clear();
  }

  private set(next: LinkState): void {
    const previous = this.current;
    if (next === previous) return;
    if (next === 'up') {
      if (this.everUp) this.reconnects++;
      this.everUp = true;
      this.lastError = null;
    }
    this.current = next;
    for (const l of this.listeners) l(next, previous);
  }
}
