// The tenant wall: with two tenants' calls (succeeding, failing, talking) interleaved on one real
// runtime (errors thrown after a session ended are left to the soak, which runs the runtime in a
// process of its own: node:test claims uncaught errors in its process), everything shown for tenant A — `logs --tenant` (control method and CLI), the
// escalation bundle, the `top --tenant` view — holds nothing of tenant B; and tenant_config secrets
// (env var values) appear in no log record, metrics line, snapshot, event or error message.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { buildBundle } from '../../client/logs/escalation';
import type { LogRecord, RuntimeEvent } from '../../protocol/control';
import { logsCommand } from '../../runtime/cli/cmd-logs';
import { renderLines } from '../../runtime/cli/top-view';
import { Runtime } from '../../runtime/runtime';
import { makeWorkspace, type Workspace } from '../runtime/engine-workspace';

const RUNS = Number(process.env.OPENRTC_FUZZ_RUNS ?? 150);
const A = 'acme';
const B = 'globex';
const SECRETS = {
  ACME_KEY: `sk-acme-${randomBytes(12).toString('hex')}`,
  GLOBEX_KEY: `sk-globex-${randomBytes(12).toString('hex')}`,
};

// Logs through every path (ctx.log, console), fails on request, holds on request, and proves the
// secret resolved without ever printing it.
const WALL_AGENT = `
import { defineAgent, currentSession } from 'openrtc';
export default defineAgent({
  name: 'wall',
  async entry(ctx) {
    const key = ctx.tenantConfig.llm?.api_key;
    ctx.log.info('marker-%s key-length %d', ctx.tenant, typeof key === 'string' ? key.length : -1);
    console.log('console-marker-' + currentSession()?.tenant);
    if (ctx.metadata.fail === true) throw new Error('provider failed for marker-' + ctx.tenant);
    for await (const turn of ctx.userTurns()) ctx.say('marker-' + ctx.tenant + ' heard ' + turn.length);
    const hold = Number(ctx.metadata.hold_ms ?? 0);
    if (hold) await new Promise((r) => { const t = setTimeout(r, hold); ctx.signal.addEventListener('abort', () => { if (ctx.signal.reason !== 'hang-up') { clearTimeout(t); r(undefined); } }); });
  },
});
`;

const call = fc.record({
  tenant: fc.constantFrom(A, B, 'initech'),
  fail: fc.boolean(),
  say: fc.array(fc.string({ maxLength: 30 }), { maxLength: 3 }),
});

describe('tenant wall', () => {
  let ws: Workspace;
  let rt: Runtime;
  const events: RuntimeEvent[] = [];
  const errors: string[] = [];
  before(async () => {
    ws = makeWorkspace(
      { 'agents/wall.ts': WALL_AGENT },
      {
        max_sessions_per_tenant: { '*': 50 },
        tenant_config: {
          [A]: { llm: { api_key_env: 'ACME_KEY' } },
          [B]: { llm: { api_key_env: 'GLOBEX_KEY' } },
          initech: { llm: { api_key_env: 'INITECH_KEY_NOT_SET' } },
        },
      },
    );
    rt = await Runtime.start({
      workspaceDir: ws.dir,
      watch: false,
      env: { ...SECRETS },
      callScript: { replyTimeoutMs: 300, hangUpGraceMs: 100 },
    });
    rt.onEvent((e) => events.push(e));
  });
  after(async () => {
    await rt.stop();
    ws.cleanup();
  });

  const sessionsOf = (tenant: string): string[] =>
    events.flatMap((e) => (e.type === 'session_started' && e.tenant === tenant ? [e.session_id] : []));
  const assertNothingOf = (text: string, tenant: string, where: string): void => {
    assert.ok(!text.includes(tenant), `${where} mentions tenant ${tenant}`);
    // A whole id, not a prefix of a longer one (ids of other runtimes may be longer).
    for (const id of sessionsOf(tenant))
      assert.ok(!new RegExp(`${id}(?![0-9a-z])`).test(text), `${where} holds ${tenant}'s session ${id}`);
  };
  const cliLogs = async (args: string[]): Promise<string> => {
    const out: string[] = [];
    await logsCommand.run([rt.logFile, ...args], {
      out: (t) => out.push(t),
      outBytes: (b) => out.push(Buffer.from(b).toString('utf8')),
      err: (t) => out.push(t),
      env: {},
      cwd: ws.dir,
    });
    return out.join('\n');
  };

  it('logs --tenant, the escalation bundle and top --tenant for A hold nothing of B', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 6 }), async (calls) => {
        // Calls of both tenants held live while top renders (taken at once: nothing ends them early).
        await Promise.all(
          [A, B].map((tenant) =>
            rt.startCalls({ agent: 'wall', tenant, metadata: { hold_ms: 800 }, count: 2, wait: false }),
          ),
        );
        const snapshot = rt.snapshot();
        await Promise.all(
          calls.map((c) =>
            rt
              .startCalls({ agent: 'wall', tenant: c.tenant, metadata: { fail: c.fail }, say: c.say })
              .catch((e: unknown) => {
                errors.push(String(e));
                return null;
              }),
          ),
        );
        const lines = renderLines(
          { source: 'openrtc', label: 'wall', snapshot, unknown: [] },
          { sort: 'duration_s', status: 'all', tenant: A, agent: null },
          400,
          false,
        );
        // Session ids are cut to 12 characters in top, so rows are checked by their tenant column.
        const titles = lines.findIndex((l) => l.startsWith('session '));
        const rows = lines.slice(titles + 1, lines.indexOf('', titles));
        const liveA = snapshot.sessions.filter((s) => s.tenant === A).length;
        assert.ok(
          liveA >= 2 && snapshot.sessions.some((s) => s.tenant === B),
          'both tenants have live sessions while top renders',
        );
        assert.equal(rows.length, liveA, `top --tenant ${A} shows exactly A's ${liveA} sessions:\n${rows.join('\n')}`);
        for (const row of rows)
          assert.ok(row.includes(` ${A} `) && !row.includes(B), `a row of another tenant: ${row}`);
        while (rt.sessions().length > 0) await new Promise((r) => setTimeout(r, 5));

        const viaControl = await rt.logs({ tenant: A, limit: 100_000 });
        assert.ok(viaControl.records.length > 0 && viaControl.records.every((r) => r.tenant === A));
        assertNothingOf(JSON.stringify(viaControl), B, 'logs(tenant A) over the control API');
        assertNothingOf(await cliLogs(['--tenant', A]), B, 'openrtc logs --tenant A');
        assertNothingOf(await cliLogs(['--tenant', A, '--json']), B, 'openrtc logs --tenant A --json');

        // The bundle gets every record of the log, unfiltered: its own filter is what is tested.
        const all: LogRecord[] = (await rt.logs({ limit: 100_000 })).records;
        const sessionA = sessionsOf(A).at(-1)!;
        const bundle = buildBundle({
          sessionId: sessionA,
          tenant: A,
          agentName: 'wall',
          records: all,
          generatedAt: new Date(),
        });
        assert.ok(bundle.text.includes(sessionA) && bundle.sessionLines > 0);
        assertNothingOf(bundle.text, B, 'the escalation bundle for A');
      }),
      { numRuns: Math.max(5, Math.round(RUNS / 20)) },
    );
    console.log(
      `wall tenant views: ${Math.max(5, Math.round(RUNS / 20))} workloads, ${sessionsOf(A).length} sessions of A, ${sessionsOf(B).length} of B`,
    );
  });

  it('tenant_config secret values appear in no log record, metrics line, snapshot, event or error', async () => {
    const r = await rt.startCalls({ agent: 'wall', tenant: 'initech' });
    assert.equal(r.failed, 1, 'a tenant whose variable is missing fails its session (naming the variable)');
    const haystacks: [string, string][] = [
      ['log file', readFileSync(rt.logFile, 'utf8')],
      ['metrics file', readFileSync(rt.metricsFile, 'utf8')],
      ['snapshot', JSON.stringify(rt.snapshot())],
      ['events', JSON.stringify(events)],
      ['control errors', errors.join('\n')],
      ['logs results', JSON.stringify(await rt.logs({ limit: 100_000 }))],
    ];
    for (const [where, text] of haystacks) {
      for (const [name, value] of Object.entries(SECRETS))
        assert.ok(!text.includes(value), `${name}'s value appears in the ${where}`);
    }
    const log = haystacks[0]![1];
    assert.match(log, /INITECH_KEY_NOT_SET/, 'the missing variable is named');
    assert.match(
      log,
      new RegExp(`key-length ${SECRETS.ACME_KEY.length}`),
      'the secret did reach the agent (so its absence from the log means something)',
    );
  });
});
