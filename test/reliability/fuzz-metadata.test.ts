// Fuzzing agent metadata through startCalls into a real Runtime: random tenant ids (by param and
// by metadata.tenant) and huge or odd metadata (prototype-named keys, deep nesting, 1 MB strings).
// A valid tenant id runs under exactly that id; an invalid one is refused with a reason and never
// relabelled; the agent sees the metadata it was sent, unchanged; the runtime never crashes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { ControlError, ErrorCodes } from '../../protocol/control';
import { isValidTenantId } from '../../protocol/tenant-id';
import { Runtime } from '../../runtime/runtime';
import { makeWorkspace, type Workspace } from '../runtime/engine-workspace';

const RUNS = Number(process.env.OPENRTC_FUZZ_RUNS ?? 150);

// Agents share the test's process: the agent hands what it saw back through a global map.
const PROBE_AGENT = `
import { defineAgent } from 'openrtc';
export default defineAgent({
  name: 'probe',
  async entry(ctx) {
    const seen = (globalThis.__openrtcFuzzSeen ??= new Map());
    seen.set(ctx.sessionId, { tenant: ctx.tenant, metadata: ctx.metadata });
  },
});
`;
type Seen = Map<string, { tenant: string; metadata: Record<string, unknown> }>;
const seen = (): Seen => (globalThis as unknown as { __openrtcFuzzSeen: Seen }).__openrtcFuzzSeen;

const tenantId = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_-]{1,128}$/),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.integer({ min: 126, max: 131 }).map((n) => 'a'.repeat(n)),
  fc.constantFrom('', ' acme', 'acme ', 'acme\n', 'ac/me', '../x', 'default', '*', '__proto__', 'constructor', 'é'),
);
const oddKey = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'tenant_x', ''),
);
const oddMetadata = fc.oneof(
  fc.dictionary(oddKey, fc.jsonValue({ maxDepth: 4 }), { maxKeys: 8 }),
  fc.constant({ deep: JSON.parse('['.repeat(500) + ']'.repeat(500)) as unknown }),
  fc.constantFrom(256 * 1024, 1024 * 1024).map((n) => ({ blob: 'x'.repeat(n) })),
);

describe('agent metadata fuzz through startCalls', () => {
  let ws: Workspace;
  let rt: Runtime;
  before(async () => {
    ws = makeWorkspace({ 'agents/probe.ts': PROBE_AGENT }, { max_sessions_per_tenant: { '*': 1000 } });
    rt = await Runtime.start({ workspaceDir: ws.dir, watch: false });
  });
  after(async () => {
    await rt.stop();
    ws.cleanup();
  });

  it('tenant ids: valid ones run under exactly that id, invalid ones are refused with a reason', async () => {
    let valid = 0;
    await fc.assert(
      fc.asyncProperty(tenantId, fc.boolean(), async (tenant, asParam) => {
        const call = asParam
          ? rt.startCalls({ agent: 'probe', tenant })
          : rt.startCalls({ agent: 'probe', metadata: { tenant } });
        if (!isValidTenantId(tenant)) {
          if (asParam) {
            await assert.rejects(
              call,
              (e: unknown) =>
                e instanceof ControlError && e.code === ErrorCodes.InvalidTenantId && e.message.length > 0,
            );
          } else {
            const r = await call;
            assert.deepEqual([r.started, r.rejected.invalid_tenant], [0, 1]);
          }
          return;
        }
        valid += 1;
        const r = await call;
        assert.equal(r.started, 1, JSON.stringify(r));
        assert.equal(seen().get(r.sessions[0]!)?.tenant, tenant, 'runs under the exact id it asked for');
      }),
      { numRuns: RUNS },
    );
    for (const t of Object.keys(rt.snapshot().tenants))
      assert.ok(isValidTenantId(t), `no invalid tenant in the snapshot: ${JSON.stringify(t)}`);
    console.log(`fuzz metadata tenant ids: ${RUNS} cases (${valid} valid)`);
  });

  it('huge and odd metadata reaches the agent unchanged and never breaks the runtime', async () => {
    await fc.assert(
      fc.asyncProperty(oddMetadata, async (metadata) => {
        const sent = { ...metadata, tenant: 'acme' };
        const r = await rt.startCalls({ agent: 'probe', metadata: sent });
        assert.equal(r.succeeded, 1, JSON.stringify(r).slice(0, 300));
        const got = seen().get(r.sessions[0]!);
        assert.equal(got?.tenant, 'acme');
        assert.deepEqual(got?.metadata, sent);
        assert.equal(
          Object.getPrototypeOf(got?.metadata),
          Object.prototype,
          'a "__proto__" key did not replace the prototype',
        );
        seen().delete(r.sessions[0]!);
      }),
      { numRuns: Math.round(RUNS / 2) },
    );
    const snap = rt.snapshot();
    assert.equal(snap.tenants['acme']?.failures, 0);
    console.log(`fuzz metadata odd/huge objects: ${Math.round(RUNS / 2)} cases`);
  });
});
