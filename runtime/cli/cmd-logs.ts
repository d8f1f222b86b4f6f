// `openrtc logs FILE [--session ID] [--tenant T] [--agent A] [--level L] [--follow] [--json]`:
// filters a scoped JSONL log (ours or Python OpenRTC's), streaming; bad lines are counted on stderr.
import { LogFileError, scanLogFile } from '../log-reader/reader';
import { formatRecord, isKnownLevel, type LogFilter } from '../log-reader/record';
import { CliError, EXIT_OK, EXIT_USAGE, parseCommandArgs, usageError, type Command } from './command';

const USAGE = `usage: openrtc logs FILE [--session ID] [--tenant T] [--agent A] [--level L] [--follow] [--json]

Filters a scoped JSONL log (the runtime's, or a Python OpenRTC worker's JsonLogFormatter output).
Streams: memory stays constant on multi-GB files. Lines that are not JSON objects, or longer
than 1 MiB, are skipped; their count goes to stderr.
  --session ID   only this session's records
  --tenant T     only this tenant's records
  --agent A      only this agent's records
  --level L      this level and above: debug, info, warning, error, critical
  --follow       keep reading as the file grows (Ctrl-C to stop)
  --json         print matching records as compact JSON lines, unchanged`;

export const logsCommand: Command = {
  name: 'logs',
  summary: 'filter a scoped JSONL log by session, tenant, agent or level',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      session: { type: 'string' },
      tenant: { type: 'string' },
      agent: { type: 'string' },
      level: { type: 'string' },
      follow: { type: 'boolean', short: 'f' },
      json: { type: 'boolean' },
    });
    if (values.help) {
      io.out(USAGE);
      return EXIT_OK;
    }
    const [file, ...extra] = positionals;
    if (!file) throw usageError('logs needs a FILE (the runtime writes .openrtc/worker.jsonl by default)');
    if (extra.length) throw usageError(`unexpected argument ${JSON.stringify(extra[0])}`);
    if (values.level !== undefined && !isKnownLevel(values.level)) {
      throw usageError(`--level ${JSON.stringify(values.level)} is not one of debug, info, warning, error, critical`);
    }
    const filter: LogFilter = {};
    if (values.session !== undefined) filter.session_id = values.session;
    if (values.tenant !== undefined) filter.tenant = values.tenant;
    if (values.agent !== undefined) filter.agent_name = values.agent;
    if (values.level !== undefined) filter.level = values.level;

    const controller = new AbortController();
    const stop = (): void => controller.abort();
    if (values.follow) {
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    }
    try {
      const stats = await scanLogFile(
        file,
        filter,
        (record) => io.out(values.json ? JSON.stringify(record) : formatRecord(record)),
        {
          follow: values.follow ?? false,
          signal: controller.signal,
        },
      );
      const skipped = [
        stats.badLines ? `${stats.badLines} line${stats.badLines === 1 ? '' : 's'} that are not JSON records` : '',
        stats.oversizedLines ? `${stats.oversizedLines} line${stats.oversizedLines === 1 ? '' : 's'} over 1 MiB` : '',
      ].filter(Boolean);
      if (skipped.length) io.err(`openrtc logs: skipped ${skipped.join(' and ')} in ${file}`);
      return EXIT_OK;
    } catch (error) {
      if (error instanceof LogFileError) throw new CliError(EXIT_USAGE, error.message);
      throw error;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  },
};
