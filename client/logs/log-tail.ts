// What a log view shows, kept up from the runtime's `logs` replies: the first reply fills it,
// later ones (asked from the last `end_offset`) append, and it keeps only the newest lines so an
// open view over a busy tenant stays bounded. Pure: the view does the asking.
import type { LogRecord, LogsResult } from '../../protocol/control';
import { formatRecord } from './log-format';

export class LogTail {
  private entries: string[] = [];
  private skipped = 0;
  private offset: number | undefined;

  constructor(private readonly maxRecords: number) {}

  /** The `after_offset` for the next request; undefined until the first reply. */
  get nextOffset(): number | undefined {
    return this.offset;
  }

  get recordCount(): number {
    return this.entries.length;
  }

  get skippedLines(): number {
    return this.skipped;
  }

  /** Takes a reply; returns whether the view changed. */
  apply(result: LogsResult): boolean {
    const restarted = this.offset !== undefined && result.end_offset < this.offset;
    if (restarted) this.entries = []; // the file was replaced: the reply is its content from the top
    this.offset = result.end_offset;
    this.skipped += result.skipped_lines;
    if (result.records.length === 0 && !restarted && result.skipped_lines === 0) return false;
    this.entries.push(...result.records.map((r: LogRecord) => formatRecord(r)));
    if (this.entries.length > this.maxRecords) this.entries.splice(0, this.entries.length - this.maxRecords);
    return true;
  }

  text(): string {
    return this.entries.join('\n') + (this.entries.length ? '\n' : '');
  }
}
