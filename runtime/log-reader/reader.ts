// Streaming reader for scoped JSONL logs: constant memory on multi-GB files (fixed-size
// chunks through a length-capped line splitter), bad and oversized lines skipped and counted,
// and `follow` to keep reading as the file grows (restarting from the top if it is truncated).
import { createReadStream, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LogsParams, LogsResult } from '../../protocol/control';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter, type LinePiece } from './line-splitter';
import { matchesFilter, parseLogLine, toLogRecord, type LogFields, type LogFilter } from './record';
import { messageOf } from '../../protocol/errors';

export interface ScanStats {
  matched: number;
  /** Lines that are not a JSON object. */
  badLines: number;
  /** Lines over the length cap, skipped without being buffered. */
  oversizedLines: number;
  /** Byte offset just past the last line handled: where a later scan picks up. */
  endOffset: number;
}

export interface ScanOptions {
  follow?: boolean;
  /** Stops a follow (or a long scan) cleanly. */
  signal?: AbortSignal;
  pollMs?: number;
  maxLineBytes?: number;
  /** Start reading here instead of at the top (a file now shorter than this is read from the top). */
  fromOffset?: number;
  /** Leave an unterminated last line for a later scan from `endOffset` (it may be a record being written). */
  leaveTail?: boolean;
}

export class LogFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogFileError';
  }
}

function fileSize(path: string): number {
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new LogFileError(
      code === 'ENOENT' ? `log file not found: ${path}` : `cannot read log file ${path}: ${messageOf(error)}`,
    );
  }
  if (!stat.isFile()) throw new LogFileError(`not a log file: ${path} is not a regular file`);
  return stat.size;
}

/** Calls `onRecord` for each matching record, in file order. Resolves when done (or aborted, when following). */
export async function scanLogFile(
  path: string,
  filter: LogFilter,
  onRecord: (record: LogFields) => void,
  options: ScanOptions = {},
): Promise<ScanStats> {
  const stats: ScanStats = { matched: 0, badLines: 0, oversizedLines: 0, endOffset: 0 };
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  let splitter = new LineSplitter(maxLineBytes);
  const handle = (piece: LinePiece): void => {
    if (piece.kind === 'oversized') {
      stats.oversizedLines += 1;
      return;
    }
    const parsed = parseLogLine(piece.text);
    if (parsed === null) return;
    if (!parsed.ok) {
      stats.badLines += 1;
      return;
    }
    if (matchesFilter(parsed.record, filter)) {
      stats.matched += 1;
      onRecord(parsed.record);
    }
  };

  let offset = options.fromOffset ?? 0;
  for (;;) {
    const size = fileSize(path);
    if (size < offset) {
      // Truncated or replaced: start over rather than wait for it to grow past the old end.
      offset = 0;
      splitter = new LineSplitter(maxLineBytes);
    }
    if (size > offset) {
      const stream = createReadStream(path, { start: offset, end: size - 1, highWaterMark: 64 * 1024 });
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        offset += chunk.length;
        for (const piece of splitter.push(chunk)) handle(piece);
        if (options.signal?.aborted) break;
      }
    }
    if (!options.follow || options.signal?.aborted) break;
    try {
      await sleep(options.pollMs ?? 250, undefined, { signal: options.signal });
    } catch {
      break; // aborted
    }
  }
  // A follower stops at an arbitrary point: its unterminated tail may be a half-written record.
  if (options.follow || options.leaveTail) stats.endOffset = offset - splitter.pendingBytes;
  else {
    for (const piece of splitter.end()) handle(piece);
    stats.endOffset = offset;
  }
  return stats;
}

/**
 * The control `logs` method: the newest `limit` matching records of a log file (or of what was
 * written after `after_offset`), as LogRecords, and where the next read picks up.
 */
export async function queryLogFile(path: string, params: LogsParams): Promise<LogsResult> {
  const limit = params.limit ?? 1000;
  const newest: LogFields[] = [];
  const filter: LogFilter = {};
  if (params.session_id !== undefined) filter.session_id = params.session_id;
  if (params.tenant !== undefined) filter.tenant = params.tenant;
  if (params.agent_name !== undefined) filter.agent_name = params.agent_name;
  if (params.level !== undefined) filter.level = params.level;
  const stats = await scanLogFile(
    path,
    filter,
    (record) => {
      newest.push(record);
      // Trim in batches: shifting one at a time would be quadratic on a big file.
      if (newest.length >= 2 * limit) newest.splice(0, newest.length - limit);
    },
    { leaveTail: true, ...(params.after_offset !== undefined ? { fromOffset: params.after_offset } : {}) },
  );
  return {
    records: newest.slice(-limit).map(toLogRecord),
    skipped_lines: stats.badLines + stats.oversizedLines,
    end_offset: stats.endOffset,
  };
}
