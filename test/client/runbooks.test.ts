import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LogRecord } from '../../protocol/control';
import { buildBundle } from '../../client/logs/escalation';
import { cpuHot, memoryTrend, slowRows } from '../../client/runbooks/density';
import { tenantIdProblem as validateTenantId } from '../../protocol/tenant-id';
import { addTenantCap, validateCap, verifyOnboarding } from '../../client/runbooks/onboarding';
import { actionOptions, blastRadius, rankSuspects, recogniseModes } from '../../client/runbooks/tenant-incident';
import { session, snapshot, tenant } from './fixtures';

const NOW = Date.parse('2026-11-29T12:00:10.000Z');
const frames = [{ function: 'entry', file: '/ws/agents/slowpoke.ts', line: 9, column: 3 }];
/** The part of openrtc.json these tests read back. */
type Caps = { max_sessions_per_tenant: unknown };

function incident() {
  return snapshot(
    {
      acme: tenant({ active: 2, cap: 5, started: 10 }),
      globex: tenant({
        active: 1,
        started: 6,
        failures: 4,
        rejections_by_reason: { circuit_open: 3 },
        breaker: {
          enabled: true,
          state: 'open',
          failures: 4,
          samples: 5,
          retry_at: '2026-11-29T12:00:22.000Z',
          cooldown_s: 30,
          times_opened: 1,
        },
      }),
      initech: tenant({ active: 1, started: 3, slow_sessions: 1 }),
    },
    [
      session('a1', 'acme'),
      session('a2', 'acme'),
      session('g1', 'globex'),
      session('i1', 'initech', { status: 'slow', blocked_ms_last: 612, blocked_frames: frames, cpu_pct: 55 }),
    ],
  );
}

describe('tenant incident runbook', () => {
  it('ranks the tenant with an open breaker first, with its evidence', () => {
    const suspects = rankSuspects(incident(), NOW);
    assert.deepEqual(
      suspects.map((s) => s.tenant),
      ['globex', 'initech'],
    );
    assert.deepEqual(suspects[0]?.evidence, [
      'breaker open · retry in 12s after 4/5 failures in its window',
      '4 of 6 sessions failed (67%)',
      '3 sessions rejected (circuit open: 3)',
    ]);
    assert.match(
      suspects[1]?.evidence[0] ?? '',
      /1 slow session; worst: session i1 blocked the loop 612ms at entry \(\/ws\/agents\/slowpoke.ts:9\)/,
    );
  });

  it('during a loop block the blocker ranks first, with the block as its first evidence, and isolation is advised', () => {
    const during = {
      ...incident(),
      loop: {
        since_ms: NOW - 4200,
        blocked_ms: 4200,
        session_id: 'SES_i9',
        tenant: 'initech',
        agent_name: 'slowpoke',
        frames,
        sampled: true,
      },
    };
    const [first, second] = rankSuspects(during, NOW);
    assert.equal(first?.tenant, 'initech', 'ahead of globex, whose breaker is open');
    assert.equal(
      first?.evidence[0],
      'blocking the event loop now: the event loop has been blocked for 4.2 s by session SES_i9 (tenant initech, agent slowpoke) at /ws/agents/slowpoke.ts:9',
    );
    assert.equal(second?.tenant, 'globex');
    const modes = recogniseModes(during, 'initech', NOW);
    const blocking = modes.find((m) => m.mode === 'blocking_loop');
    assert.equal(blocking?.present, true);
    assert.match(blocking?.evidence[0] ?? '', /^blocking the event loop now: /);
    assert.equal(actionOptions(during, 'initech', modes).find((o) => o.action === 'isolate')?.recommended, true);
    // A tenant whose first session blocks before any snapshot named it is still ranked first.
    const unknown = { ...during, loop: { ...during.loop, tenant: 'newco' } };
    assert.equal(rankSuspects(unknown, NOW)[0]?.tenant, 'newco');
    // The block over, the ranking is the usual one again.
    assert.equal(rankSuspects({ ...during, loop: null }, NOW)[0]?.tenant, 'globex');
  });

  it('a healthy pool has no suspects', () => {
    const healthy = snapshot(
      { acme: tenant({ active: 1, cap: 5, started: 3 }), b: tenant({ active: 1, started: 1 }) },
      [session('a1', 'acme'), session('b1', 'b')],
    );
    assert.deepEqual(rankSuspects(healthy, NOW), []);
  });

  it('recognises the failure modes present, each with evidence', () => {
    const modes = recogniseModes(incident(), 'globex', NOW);
    const byMode = Object.fromEntries(modes.map((m) => [m.mode, m]));
    assert.equal(byMode.failing_calls?.present, true);
    assert.equal(byMode.eating_capacity?.present, false);
    assert.equal(byMode.blocking_loop?.present, false);
    assert.ok(byMode.failing_calls?.evidence.includes('3 new sessions rejected while the breaker was open'));
    const slow = recogniseModes(incident(), 'initech', NOW).find((m) => m.mode === 'blocking_loop');
    assert.equal(slow?.present, true);
    assert.ok(slow?.evidence.some((e) => e.includes('slowpoke.ts:9')));
  });

  it('eating capacity: a tenant at its cap with cap rejections', () => {
    const snap = snapshot({
      acme: tenant({ active: 5, cap: 5, started: 20, rejections_by_reason: { tenant_cap: 7 } }),
      b: tenant({ active: 1 }),
    });
    const cap = recogniseModes(snap, 'acme', NOW).find((m) => m.mode === 'eating_capacity');
    assert.equal(cap?.present, true);
    assert.match(cap?.evidence.join('\n') ?? '', /7 sessions rejected at a cap/);
    const options = actionOptions(snap, 'acme', recogniseModes(snap, 'acme', NOW));
    assert.deepEqual(
      options.map((o) => [o.action, o.recommended, o.suggested]),
      [
        ['cap', true, 3],
        ['isolate', false, null],
        ['breaker', false, 60],
      ],
    );
  });

  it('blast radius: confined when the others accept and the loop is quick; not when a sibling suffers', () => {
    const confined = blastRadius(incident(), 'globex', NOW);
    assert.equal(confined.confined, false, 'initech has a slow session');
    assert.match(confined.summary, /initech also affected/);
    const clean = snapshot({ globex: tenant({ failures: 3 }), acme: tenant({ active: 1, cap: 5, started: 4 }) });
    const r = blastRadius(clean, 'globex', NOW);
    assert.equal(r.confined, true);
    assert.deepEqual(r.others, [
      { tenant: 'acme', accepting: true, evidence: 'accepting (1/5) · 3 completed, 0 failed' },
    ]);
    const lagging = { ...clean, loop_lag: { p50_ms: 30, p99_ms: 400, max_ms: 600 } };
    assert.match(blastRadius(lagging, 'globex', NOW).summary, /every tenant on this loop stutters/);
  });
});

describe('escalation bundle', () => {
  const rec = (tenantName: string | null, sessionId: string | null, message: string): LogRecord => ({
    timestamp: '2026-11-29T12:00:01.000Z',
    level: 'error',
    session_id: sessionId,
    agent_name: 'support',
    tenant: tenantName,
    logger: 'openrtc.session',
    message,
  });

  it('holds the session id, tenant, agent and only that tenant’s records', () => {
    const bundle = buildBundle({
      sessionId: 'g1',
      tenant: 'globex',
      agentName: 'support',
      generatedAt: new Date(NOW),
      records: [
        rec('globex', 'g1', 'boom'),
        rec('acme', 'a1', 'acme secret'),
        rec('globex', 'g2', 'also failing'),
        rec(null, null, 'runtime line'),
      ],
    });
    assert.equal(bundle.sessionLines, 1);
    assert.equal(bundle.tenantLines, 1);
    assert.match(bundle.text, /^# OpenRTC escalation bundle\nsession_id: g1\ntenant: globex\nagent_name: support\n/);
    assert.doesNotMatch(bundle.text, /acme secret|runtime line/);
    assert.match(bundle.text, /"message":"boom"/);
  });
});

describe('onboarding runbook', () => {
  it('validates tenant ids like the runtime does', () => {
    assert.equal(validateTenantId('dental-co_2'), null);
    assert.match(validateTenantId('bad tenant!') ?? '', /found space, '!'/);
    assert.match(validateTenantId('') ?? '', /empty/);
    assert.match(validateTenantId('x'.repeat(129)) ?? '', /at most 128/);
    assert.deepEqual(validateCap(' 4 '), { ok: true, cap: 4 });
    assert.equal(validateCap('0').ok, false);
    assert.equal(validateCap('2.5').ok, false);
  });

  it('adds the cap keeping comments and layout', () => {
    const text =
      '{\n  // tenants of the agency\n  "agents": "agents/",\n  "max_sessions_per_tenant": {\n    "acme": 5 // busy clinic\n  }\n}\n';
    const r = addTenantCap(text, 'dental-co', 3);
    assert.ok(r.ok);
    assert.equal(r.replaced, null);
    assert.match(r.text, /\/\/ tenants of the agency/);
    assert.match(r.text, /"acme": 5,? \/\/ busy clinic/);
    assert.match(r.text, /"dental-co": 3/);
    assert.deepEqual((JSON.parse(r.text.replace(/\/\/.*$/gm, '')) as Caps).max_sessions_per_tenant, {
      acme: 5,
      'dental-co': 3,
    });
  });

  it('creates max_sessions_per_tenant when missing and reports a replaced cap', () => {
    const created = addTenantCap('{ "agents": "agents/" }', 'acme', 2);
    assert.ok(created.ok);
    assert.deepEqual((JSON.parse(created.text) as Caps).max_sessions_per_tenant, { acme: 2 });
    const replaced = addTenantCap('{ "max_sessions_per_tenant": { "acme": 9 } }', 'acme', 2);
    assert.ok(replaced.ok);
    assert.equal(replaced.replaced, 9);
  });

  it('refuses a broken file, a wrong shape and a bad id, saying where and why', () => {
    const broken = addTenantCap('{\n  "agents": "agents/",\n  "max_sessions_per_tenant": { "acme": }\n}', 'dental', 2);
    assert.equal(broken.ok, false);
    assert.match(
      broken.ok ? '' : broken.error,
      /openrtc.json does not parse \(ValueExpected at line 3, column \d+\); fix it first, nothing was written/,
    );
    const shape = addTenantCap('{ "max_sessions_per_tenant": 5 }', 'dental', 2);
    assert.match(shape.ok ? '' : shape.error, /must be an object/);
    const id = addTenantCap('{}', 'no/slashes', 2);
    assert.match(id.ok ? '' : id.error, /found '\/'/);
  });

  it('verifies the test call in the snapshot and the logs', () => {
    const snap = snapshot({ 'dental-co': tenant({ cap: 3, started: 1 }) });
    const logs: LogRecord[] = [
      {
        timestamp: 't',
        level: 'info',
        session_id: 's9',
        agent_name: 'reception',
        tenant: 'dental-co',
        logger: 'agent',
        message: 'hello',
      },
    ];
    const checks = verifyOnboarding(snap, logs, 'dental-co', ['s9'], 3);
    assert.deepEqual(
      checks.map((c) => c.ok),
      [true, true, true, true],
    );
    const missing = verifyOnboarding(snapshot({}), [], 'dental-co', ['s9'], 3);
    assert.deepEqual(
      missing.map((c) => c.ok),
      [false, false, false, false],
    );
  });
});

describe('debugging density runbook', () => {
  it('lists slow rows worst first with their source, and CPU-hot sessions', () => {
    const rows = [
      session('a', 't', { blocked_ms_last: 80, status: 'slow' }),
      session('b', 't', { blocked_ms_last: 600, blocked_frames: frames, cpu_pct: 70 }),
      session('c', 't', { cpu_pct: 0.2 }),
    ];
    assert.deepEqual(
      slowRows(rows).map((r) => r.row.session_id),
      ['b', 'a'],
    );
    assert.match(slowRows(rows)[0]?.evidence ?? '', /blocked 600ms at entry \(\/ws\/agents\/slowpoke.ts:9\)/);
    assert.match(slowRows(rows)[1]?.evidence ?? '', /no source line captured/);
    assert.deepEqual(
      cpuHot(rows).map((r) => r.session_id),
      ['b'],
    );
  });

  it('reads the memory trend as a slope', () => {
    const growing = memoryTrend([0, 1, 2, 3].map((i) => ({ atMs: i * 30_000, rssMb: 100 + i * 10 })));
    assert.equal(growing.verdict, 'growing');
    assert.ok(Math.abs(growing.mbPerMinute - 20) < 1e-9);
    assert.equal(memoryTrend([0, 1, 2].map((i) => ({ atMs: i * 60_000, rssMb: 100 }))).verdict, 'steady');
    assert.equal(memoryTrend([{ atMs: 0, rssMb: 1 }]).verdict, 'not enough samples');
  });
});
