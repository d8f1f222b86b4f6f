// Scoped JSONL log records → the lines of the log view, in the shape the grammar
// (syntaxes/openrtc-log.tmLanguage.json) highlights:
//   <timestamp> <LEVEL> tenant=<t> session=<id> agent=<a> <logger>: <message>
//       <exception lines, indented four spaces>
import type { LogRecord } from '../../protocol/control';

const LEVEL_WIDTH = 8;

export function formatRecord(record: LogRecord): string {
  const level = record.level.toUpperCase().padEnd(LEVEL_WIDTH);
  const head =
    `${record.timestamp} ${level} tenant=${record.tenant ?? '-'} session=${record.session_id ?? '-'} ` +
    `agent=${record.agent_name ?? '-'} ${record.logger}: ${record.message.replace(/\r?\n/g, ' ⏎ ')}`;
  if (!record.exc_info) return head;
  const exception = record.exc_info
    .replace(/\s+$/, '')
    .split(/\r?\n/)
    .map((line) => `    ${line}`);
  return [head, ...exception].join('\n');
}
