// `openrtc top` flags. Pure: argv in, options or a usage error (exit 2) out.
export const SORT_KEYS = ['cpu_pct', 'duration_s', 'mem_mb', 'agent_name', 'session_id', 'tenant'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export const STATUS_FILTERS = ['all', 'active', 'slow', 'failed'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];
export const MIN_REFRESH_HZ = 0.5;
export const MAX_REFRESH_HZ = 10;

export interface TopOptions {
  tenant: string | null;
  agent: string | null;
  status: StatusFilter;
  sort: SortKey;
  refreshHz: number;
  once: boolean;
  json: boolean;
  socket: string | null;
  help: boolean;
}

export class UsageError extends Error {
  readonly exitCode = 2;
}

export const TOP_USAGE = `usage: openrtc top [--tenant T] [--agent A] [--status all|active|slow|failed]
                   [--sort cpu_pct|duration_s|mem_mb|agent_name|session_id|tenant]
                   [--refresh-rate HZ] [--once] [--json] [--socket PATH]

Live table of the runtime's sessions. Keys: q quit, s cycle sort, f cycle status filter,
t cycle tenant filter, r refresh now. --once prints one table (with --json: the rows as JSON).
--socket may also name a Python OpenRTC worker's top.sock.
--refresh-rate is in Hz, from ${MIN_REFRESH_HZ} to ${MAX_REFRESH_HZ} (default 1).`;

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
}

function refreshRate(value: string): number {
  const hz = Number(value);
  if (value.trim() === '' || !Number.isFinite(hz) || hz < MIN_REFRESH_HZ || hz > MAX_REFRESH_HZ) {
    throw new UsageError(
      `--refresh-rate ${JSON.stringify(value)} is out of range: give a number of Hz from ${MIN_REFRESH_HZ} to ${MAX_REFRESH_HZ}`,
    );
  }
  return hz;
}

export function parseTopArgs(argv: readonly string[]): TopOptions {
  const opts: TopOptions = {
    tenant: null,
    agent: null,
    status: 'all',
    sort: 'cpu_pct',
    refreshHz: 1,
    once: false,
    json: false,
    socket: null,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    const nonEmpty = (v: string): string => {
      if (v === '') throw new UsageError(`${flag} needs a non-empty value`);
      return v;
    };
    switch (flag) {
      case '--tenant':
        opts.tenant = nonEmpty(value());
        break;
      case '--agent':
        opts.agent = nonEmpty(value());
        break;
      case '--status':
        opts.status = oneOf(flag, value(), STATUS_FILTERS);
        break;
      case '--sort':
        opts.sort = oneOf(flag, value(), SORT_KEYS);
        break;
      case '--refresh-rate':
        opts.refreshHz = refreshRate(value());
        break;
      case '--socket':
        opts.socket = nonEmpty(value());
        break;
      case '--once':
        opts.once = true;
        break;
      case '--json':
        opts.json = true;
        break;
      case '--help':
      case '-h':
        opts.help = true;
        break;
      default:
        throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  return opts;
}
