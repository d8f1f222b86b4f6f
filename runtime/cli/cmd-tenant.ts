// `openrtc tenant <action> T ...`: the runbook's step-4 actions against a running runtime.
// Actions are a table so more (isolate, restore) slot in without touching the dispatcher.
import type { SetBreakerParams } from '../../protocol/control';
import { breakerCountsWords } from '../../protocol/wording';
import { tenantIdProblem } from '../../protocol/tenant-id';
import {
  EXIT_OK,
  EXIT_USAGE,
  intArg,
  numberArg,
  parseCommandArgs,
  usageError,
  type CliIo,
  type Command,
} from './command';
import { WAIT_USAGE, loopWaitArg, resolveSocket, withClient } from './runtime-link';

export interface TenantAction {
  name: string;
  usage: string;
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

function tenantArg(value: string | undefined): string {
  if (value === undefined) throw usageError('missing tenant id T');
  const problem = tenantIdProblem(value);
  if (problem) throw usageError(problem);
  return value;
}

/** The one positional of an action that takes only T. */
function onlyTenant(positionals: readonly string[]): string {
  const [rawTenant, ...extra] = positionals;
  const tenant = tenantArg(rawTenant);
  if (extra.length) throw usageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  return tenant;
}

const capAction: TenantAction = {
  name: 'cap',
  usage: `usage: openrtc tenant cap T N [--wait S] [--socket PATH] [--json]

Sets tenant T's session cap to N at run time (exact: new sessions over N are rejected).
N = none removes T's own cap (the "*" default applies again).
${WAIT_USAGE}`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      socket: { type: 'string' },
      json: { type: 'boolean' },
      wait: { type: 'string' },
    });
    if (values.help) {
      io.out(this.usage);
      return EXIT_OK;
    }
    const [rawTenant, rawCap, ...extra] = positionals;
    const tenant = tenantArg(rawTenant);
    if (rawCap === undefined) throw usageError('tenant cap needs N (a whole number, or none)');
    if (extra.length) throw usageError(`unexpected argument ${JSON.stringify(extra[0])}`);
    const cap = rawCap === 'none' ? null : (intArg('N', rawCap, 0, 1_000_000) as number);
    const result = await withClient(resolveSocket(values.socket, io), (client) =>
      client.request('setTenantCap', { tenant, cap, ...loopWaitArg(values.wait) }),
    );
    io.out(
      values.json ? JSON.stringify(result) : `tenant ${tenant}: cap ${result.cap ?? 'none'} (active ${result.active})`,
    );
    return EXIT_OK;
  },
};

const breakerAction: TenantAction = {
  name: 'breaker',
  usage: `usage: openrtc tenant breaker T [--cooldown S] [--ratio R] [--min-samples N] [--window S]
                              [--max-cooldown S] [--probes N]
                              [--enable | --disable] [--wait S] [--socket PATH] [--json]

Tunes tenant T's circuit breaker at run time.
  --cooldown S      seconds an open breaker rejects new sessions before probing
  --ratio R         opens when failures/total in the window exceeds R (0..1)
  --min-samples N   outcomes needed in the window before it may open
  --window S        seconds of outcomes counted
  --max-cooldown S  cap on the cooldown, which doubles each time a half-open probe fails
  --probes N        probe sessions admitted while half-open; it closes when N succeed
${WAIT_USAGE}`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      cooldown: { type: 'string' },
      ratio: { type: 'string' },
      'min-samples': { type: 'string' },
      window: { type: 'string' },
      'max-cooldown': { type: 'string' },
      probes: { type: 'string' },
      enable: { type: 'boolean' },
      disable: { type: 'boolean' },
      wait: { type: 'string' },
      socket: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (values.help) {
      io.out(this.usage);
      return EXIT_OK;
    }
    const tenant = onlyTenant(positionals);
    if (values.enable && values.disable) throw usageError('--enable and --disable contradict each other');
    const params: SetBreakerParams = { tenant };
    const cooldown = numberArg('--cooldown', values.cooldown, 0, 86_400, true);
    const ratio = numberArg('--ratio', values.ratio, 0, 1);
    const minSamples = intArg('--min-samples', values['min-samples'], 1, 100_000);
    const window = numberArg('--window', values.window, 0, 86_400, true);
    const maxCooldown = numberArg('--max-cooldown', values['max-cooldown'], 0, 86_400, true);
    const probes = intArg('--probes', values.probes, 1, 1000);
    if (cooldown !== undefined) params.cooldown_s = cooldown;
    if (ratio !== undefined) params.failure_ratio = ratio;
    if (minSamples !== undefined) params.min_samples = minSamples;
    if (window !== undefined) params.window_s = window;
    if (maxCooldown !== undefined) params.max_cooldown_s = maxCooldown;
    if (probes !== undefined) params.half_open_probes = probes;
    if (values.enable || values.disable) params.enabled = Boolean(values.enable);
    if (Object.keys(params).length === 1) throw usageError('tenant breaker needs at least one setting (see --help)');
    const b = await withClient(resolveSocket(values.socket, io), (client) =>
      client.request('setBreaker', { ...params, ...loopWaitArg(values.wait) }),
    );
    io.out(
      values.json
        ? JSON.stringify(b)
        : `tenant ${tenant}: breaker ${b.enabled ? b.state : 'off'}, cooldown ${b.cooldown_s}s, ${breakerCountsWords(b)}`,
    );
    return EXIT_OK;
  },
};

/** isolate/restore: one request each, same argument rules (runtime/isolation). */
function isolationAction(
  name: 'isolate' | 'restore',
  method: 'isolateTenant' | 'restoreTenant',
  what: string,
): TenantAction {
  return {
    name,
    usage: `usage: openrtc tenant ${name} T [--wait S] [--socket PATH] [--json]

${what}
${WAIT_USAGE}`,
    async run(argv, io) {
      const { values, positionals } = parseCommandArgs(argv, {
        socket: { type: 'string' },
        json: { type: 'boolean' },
        wait: { type: 'string' },
      });
      if (values.help) {
        io.out(this.usage);
        return EXIT_OK;
      }
      const tenant = onlyTenant(positionals);
      const t = await withClient(resolveSocket(values.socket, io), (client) =>
        client.request(method, { tenant, ...loopWaitArg(values.wait) }),
      );
      io.out(
        values.json
          ? JSON.stringify(t)
          : `tenant ${tenant}: isolation ${t.isolation}${t.process ? ` (pid ${t.process.pid})` : ''}, active ${t.active}`,
      );
      return EXIT_OK;
    },
  };
}

const isolateAction = isolationAction(
  'isolate',
  'isolateTenant',
  `Moves tenant T's new sessions into a child process of its own; its live sessions finish where
they are. Caps, the breaker, counts, top and the log keep working. Fails (and changes nothing)
if the child does not start.`,
);
const restoreAction = isolationAction(
  'restore',
  'restoreTenant',
  `Moves tenant T's new sessions back to the shared event loop; the child finishes its live
sessions, then stops.`,
);

export const tenantActions: TenantAction[] = [capAction, breakerAction, isolateAction, restoreAction];

function usage(): string {
  return `usage: openrtc tenant <${tenantActions.map((a) => a.name).join('|')}> T ... (see openrtc tenant <action> --help)

Runbook actions on one tenant of a running runtime.`;
}

export const tenantCommand: Command = {
  name: 'tenant',
  summary: `act on one tenant: ${tenantActions.map((a) => a.name).join(', ')}`,
  async run(argv, io) {
    const [actionName, ...rest] = argv;
    if (actionName === '--help' || actionName === '-h') {
      io.out(usage());
      return EXIT_OK;
    }
    if (actionName === undefined) {
      io.err(usage());
      return EXIT_USAGE;
    }
    const action = tenantActions.find((a) => a.name === actionName);
    if (!action)
      throw usageError(
        `unknown tenant action ${JSON.stringify(actionName)}; one of ${tenantActions.map((a) => a.name).join(', ')}`,
      );
    return action.run(rest, io);
  },
};
