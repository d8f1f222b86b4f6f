// `openrtc check` arguments: parsed and validated here, before anything is read, so a usage
// error (exit 2) never follows half a check.
import { messageOf } from '../../protocol/errors';
import { parseArgs } from 'node:util';
import type { ActiveSeverity } from '../core/rule-book';

export type OutputFormat = 'text' | 'json' | 'sarif' | 'github';

export interface CheckRequest {
  help: boolean;
  /** Files and folders, relative to the working directory; default '.'. */
  paths: string[];
  format: OutputFormat;
  fix: boolean;
  exclude: string[];
  /** Findings below this are not shown and do not count for the exit code. */
  severityMin: ActiveSeverity;
  /** Worker threads for analysis; undefined: as many as the machine has cores, when the work is worth it. */
  jobs: number | undefined;
  cache: boolean;
}

export class CheckUsageError extends Error {
  override name = 'CheckUsageError';
}

const formats: readonly OutputFormat[] = ['text', 'json', 'sarif', 'github'];
/** Lowest first: `--severity-min warning` keeps warning and error. */
export const severityOrder: readonly ActiveSeverity[] = ['hint', 'information', 'warning', 'error'];

export const CHECK_USAGE = `usage: openrtc check [PATHS...] [--format text|json|sarif|github] [--json] [--fix]
                     [--exclude GLOB]... [--severity-min LEVEL] [--jobs N] [--no-cache]

Reports blocking calls in agent code, as the editor does, for every Python, TypeScript and
JavaScript file under PATHS (default: the current folder). Settings come from the
"diagnostics" block of ./openrtc.json, else the defaults. .gitignore is honoured;
node_modules, virtual envs, build output and hidden folders are skipped.

  --format F          text (default), json, sarif (SARIF 2.1.0), github (workflow annotations)
  --json              the same as --format json: [{file, line, column, endLine, endColumn,
                      code, severity, message, chain}], 1-based lines and columns
  --fix               apply the safe quick fixes in place, say what changed, then report the rest
  --exclude GLOB      skip matching files and folders (relative to the current folder; repeatable)
  --severity-min L    hide findings below L: hint, information, warning, error (default hint)
  --jobs N            analyse on N worker threads (default: one per core for a cold run)
  --no-cache          neither read nor write .openrtc/cache/

Exit codes: 0 no finding at warning or above, 1 some, 2 bad usage or settings.`;

export function parseCheckArgs(argv: readonly string[]): CheckRequest {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        help: { type: 'boolean', short: 'h' },
        format: { type: 'string' },
        json: { type: 'boolean' },
        fix: { type: 'boolean' },
        exclude: { type: 'string', multiple: true },
        'severity-min': { type: 'string' },
        jobs: { type: 'string' },
        'no-cache': { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new CheckUsageError(messageOf(error).split('\n')[0] ?? 'bad arguments');
  }
  const { values, positionals } = parsed;
  const format = values.format ?? (values.json === true ? 'json' : 'text');
  if (!formats.includes(format as OutputFormat))
    throw new CheckUsageError(`--format must be one of ${formats.join(', ')}; got ${JSON.stringify(format)}`);
  if (values.json === true && format !== 'json')
    throw new CheckUsageError(`--json and --format ${format} ask for two formats; give one`);
  const severityMin = values['severity-min'] ?? 'hint';
  if (!severityOrder.includes(severityMin as ActiveSeverity))
    throw new CheckUsageError(
      `--severity-min must be one of ${severityOrder.join(', ')}; got ${JSON.stringify(severityMin)}`,
    );
  let jobs: number | undefined;
  if (values.jobs !== undefined) {
    jobs = Number(values.jobs);
    if (!/^\d+$/.test(values.jobs) || jobs < 1 || jobs > 64)
      throw new CheckUsageError(`--jobs must be a whole number from 1 to 64; got ${JSON.stringify(values.jobs)}`);
  }
  const exclude = values.exclude ?? [];
  const empty = exclude.find((g) => g.trim() === '');
  if (empty !== undefined) throw new CheckUsageError('--exclude needs a glob; got an empty one');
  return {
    help: values.help === true,
    paths: positionals.length > 0 ? positionals : ['.'],
    format: format as OutputFormat,
    fix: values.fix === true,
    exclude,
    severityMin: severityMin as ActiveSeverity,
    jobs,
    cache: values['no-cache'] !== true,
  };
}

export function atLeast(severity: ActiveSeverity, min: ActiveSeverity): boolean {
  return severityOrder.indexOf(severity) >= severityOrder.indexOf(min);
}
