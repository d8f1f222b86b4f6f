// The versioned JSONL metrics file, OpenRTC's envelope v1:
//   {"kind":"snapshot"|"event","payload":{...},"schema_version":1,"seq":N,"wall_time_unix":T}
// keys sorted (as OpenRTC's json.dumps(sort_keys=True)), truncated at start. Lines are buffered
// and flushed on a short timer; close() flushes synchronously so a shutdown loses nothing.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export const METRICS_SCHEMA_VERSION = 1;
const FLUSH_EVERY_MS = 250;

export class MetricsFile {
  private readonly fd: number;
  private seq = 0;
  private buffer: string[] = [];
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'w');
    this.timer = setInterval(() => this.flush(), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  write(kind: 'snapshot' | 'event', payload: object): void {
    if (this.closed) return;
    const line = sortedJson({
      schema_version: METRICS_SCHEMA_VERSION,
      kind,
      seq: ++this.seq,
      wall_time_unix: Date.now() / 1000,
      payload,
    });
    this.buffer.push(line + '\n');
  }

  flush(): void {
    if (this.buffer.length === 0 || this.closed) return;
    const chunk = this.buffer.join('');
    this.buffer = [];
    writeSync(this.fd, chunk);
  }

  close(): void {
    if (this.closed) return;
    clearInterval(this.timer);
    this.flush();
    this.closed = true;
    closeSync(this.fd);
  }
}

/** JSON with object keys sorted at every level (Python's json.dumps(sort_keys=True)). */
export function sortedJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((v: unknown) => (v === undefined ? 'null' : sortedJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(obj).sort()) {
    if (obj[key] !== undefined) parts.push(`${JSON.stringify(key)}:${sortedJson(obj[key])}`);
  }
  return `{${parts.join(',')}}`;
}
