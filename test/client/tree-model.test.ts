import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TreeModel, sessionNodeId, tenantNodeId, workerNodeId } from '../../client/model/tree-model';
import { session, snapshot, tenant } from './fixtures';

const NOW = Date.parse('2026-11-29T12:00:10.000Z');
const W = '/run/openrtc-0/control.sock';

function model(): TreeModel {
  const m = new TreeModel();
  m.addWorker(W, 'examples', 'bundled');
  m.applySnapshot(
    W,
    snapshot(
      {
        acme: tenant({ active: 2, cap: 5, started: 2 }),
        globex: tenant({
          active: 1,
          failures: 3,
          started: 4,
          rejections_by_reason: { circuit_open: 2, tenant_cap: 1 },
        }),
      },
      [
        session('s1', 'acme'),
        session('s2', 'acme', { started_at: '2026-11-29T12:00:05.000Z' }),
        session('g1', 'globex'),
      ],
    ),
  );
  return m;
}

describe('tree model', () => {
  it('labels a session with its whole runtime id, and a longer id with its distinct end', () => {
    const m = new TreeModel();
    m.addWorker(W, 'examples', 'bundled');
    const ids = ['SES_a2666b9f000001', 'SES_a2666b9f000002', 'job-7f3e2d1c-4b5a-4e6f-9a8b-000000000001'];
    m.applySnapshot(
      W,
      snapshot(
        { acme: tenant({ active: 3 }) },
        ids.map((id) => session(id, 'acme')),
      ),
    );
    const labels = ids.map((id) => m.nodeById(sessionNodeId(W, id), NOW)?.label);
    assert.deepEqual(labels, ['SES_a2666b9f000001', 'SES_a2666b9f000002', '…9a8b-000000000001']);
  });

  it('the worker tooltip says how many idle tenants were folded, and only when some were', () => {
    const m = model();
    assert.doesNotMatch(m.roots(NOW)[0]?.tooltip ?? '', /folded/);
    m.applySnapshot(W, {
      ...snapshot({}),
      folded_tenants: { tenants: 480, started: 520, failures: 3, rejections_by_reason: {} },
    });
    assert.match(m.roots(NOW)[0]?.tooltip ?? '', /idle tenants folded: 480 \(started 520, failed 3\)/);
  });

  it('lays out workers → tenants → sessions with stable ids', () => {
    const m = model();
    const [worker] = m.roots(NOW);
    assert.ok(worker);
    assert.equal(worker.id, workerNodeId(W));
    assert.match(worker.description, /^3\/50 sessions · lag p99 4ms$/);
    const tenants = m.children(worker, NOW);
    assert.deepEqual(
      tenants.map((t) => t.label),
      ['acme', 'globex'],
    );
    assert.equal(tenants[0]?.id, tenantNodeId(W, 'acme'));
    assert.equal(tenants[0]?.description, 'closed · 2/5');
    assert.equal(tenants[1]?.description, 'closed · 1/∞ · 3 failed · 3 rejected');
    assert.match(tenants[1]?.tooltip ?? '', /rejections: circuit open: 2, tenant cap: 1/);
    assert.match(tenants[1]?.tooltip ?? '', /\(0\/0 failures in window, cooldown 30s/);
    const sessions = m.children(tenants[0], NOW);
    assert.deepEqual(
      sessions.map((s) => s.id),
      [sessionNodeId(W, 's1'), sessionNodeId(W, 's2')],
    );
    assert.equal(sessions[0]?.description, 'active · reception · 10s · cpu 0.5%');
  });

  it('shows an open breaker with the counts it opened on, not an empty window', () => {
    const m = new TreeModel();
    m.addWorker(W, 'examples', 'bundled');
    const breaker = {
      enabled: true,
      state: 'open' as const,
      failures: 6,
      samples: 8,
      retry_at: '2026-11-29T12:00:30.000Z',
      cooldown_s: 30,
      times_opened: 1,
    };
    m.applySnapshot(W, snapshot({ acme: tenant({ breaker }) }));
    const [worker] = m.roots(NOW);
    const [acme] = m.children(worker, NOW);
    assert.match(acme?.tooltip ?? '', /\(opened on 6\/8 failures, cooldown 30s, opened 1×\)/);
  });

  it('applies session events and reports only the tenants that changed', () => {
    const m = model();
    const dirty = m.applyEvents(W, [
      {
        type: 'session_started',
        ts: '2026-11-29T12:00:09.000Z',
        session_id: 's3',
        tenant: 'acme',
        agent_name: 'reception',
      },
      {
        type: 'session_ended',
        ts: '2026-11-29T12:00:09.500Z',
        session_id: 's1',
        tenant: 'acme',
        agent_name: 'reception',
        duration_s: 9,
      },
    ]);
    assert.deepEqual(dirty, [tenantNodeId(W, 'acme')]);
    const acme = m.nodeById(tenantNodeId(W, 'acme'), NOW);
    assert.equal(acme?.description, 'closed · 2/5');
    assert.deepEqual(
      m.children(acme, NOW).map((s) => s.sessionId),
      ['s2', 's3'],
    );
    assert.equal(m.worker(W)?.summary?.active_sessions, 3);
  });

  it('a failure removes the session, counts it, and a new tenant dirties the worker too', () => {
    const m = model();
    const dirty = m.applyEvents(W, [
      {
        type: 'session_started',
        ts: '2026-11-29T12:00:09.000Z',
        session_id: 'n1',
        tenant: 'initech',
        agent_name: 'support',
      },
      {
        type: 'session_failed',
        ts: '2026-11-29T12:00:09.200Z',
        session_id: 'n1',
        tenant: 'initech',
        agent_name: 'support',
        error: 'Error: boom',
      },
    ]);
    assert.deepEqual(new Set(dirty), new Set([workerNodeId(W), tenantNodeId(W, 'initech')]));
    const initech = m.nodeById(tenantNodeId(W, 'initech'), NOW);
    assert.equal(initech?.description, 'breaker off · 0/∞ · 1 failed');
    assert.equal(m.worker(W)?.summary?.last_error, 'Error: boom');
  });

  it('shows the breaker opening with a countdown, then half-open and closed', () => {
    const m = model();
    m.applyEvents(W, [
      {
        type: 'breaker_opened',
        ts: '2026-11-29T12:00:00.000Z',
        tenant: 'globex',
        failures: 4,
        samples: 5,
        cooldown_s: 30,
      },
    ]);
    const id = tenantNodeId(W, 'globex');
    assert.match(m.nodeById(id, NOW)?.description ?? '', /^open · retry in 20s/);
    assert.equal(m.nodeById(id, NOW)?.icon.id, 'error');
    assert.match(m.roots(NOW)[0]?.description ?? '', /1 breaker open/);
    m.applyEvents(W, [{ type: 'breaker_half_open', ts: '2026-11-29T12:00:30.000Z', tenant: 'globex' }]);
    assert.match(m.nodeById(id, NOW)?.description ?? '', /^half-open/);
    m.applyEvents(W, [{ type: 'breaker_closed', ts: '2026-11-29T12:00:31.000Z', tenant: 'globex' }]);
    assert.match(m.nodeById(id, NOW)?.description ?? '', /^closed/);
  });

  it('marks a slow session with its block and source, counted once per session', () => {
    const m = model();
    const frames = [{ function: 'entry', file: '/ws/agents/dental.ts', line: 12, column: 5 }];
    const slow = {
      type: 'slow_session',
      ts: '2026-11-29T12:00:09.000Z',
      session_id: 's1',
      tenant: 'acme',
      agent_name: 'reception',
      blocked_ms: 612.4,
      frames,
    } as const;
    m.applyEvents(W, [slow, { ...slow, blocked_ms: 300 }]);
    const node = m.nodeById(sessionNodeId(W, 's1'), NOW);
    assert.equal(node?.contextValue, 'openrtc.session.slowWithSource');
    assert.match(node?.description ?? '', /^slow · .* · blocked 300ms$/);
    assert.match(node?.tooltip ?? '', /at entry \(\/ws\/agents\/dental.ts:12:5\)/);
    assert.match(m.nodeById(tenantNodeId(W, 'acme'), NOW)?.description ?? '', /1 slow/);
  });

  it('a snapshot replaces event-derived state; a disconnect keeps the ids', () => {
    const m = model();
    m.applyEvents(W, [
      {
        type: 'session_started',
        ts: '2026-11-29T12:00:09.000Z',
        session_id: 'ghost',
        tenant: 'acme',
        agent_name: 'reception',
      },
    ]);
    m.applySnapshot(W, snapshot({ acme: tenant({ active: 0 }) }));
    assert.equal(m.nodeById(sessionNodeId(W, 'ghost'), NOW), undefined);
    m.setDisconnected(W, 'connection refused');
    const worker = m.roots(NOW)[0];
    assert.equal(worker?.id, workerNodeId(W));
    assert.equal(worker?.description, 'disconnected · connection refused');
    assert.equal(m.nodeById(tenantNodeId(W, 'acme'), NOW)?.label, 'acme');
  });

  it('isolation shows on the tenant and picks the menu context', () => {
    const m = model();
    m.applyEvents(W, [{ type: 'tenant_isolated', ts: '2026-11-29T12:00:09.000Z', tenant: 'acme', pid: 4242 }]);
    const acme = m.nodeById(tenantNodeId(W, 'acme'), NOW);
    assert.match(acme?.description ?? '', /isolated$/);
    assert.equal(acme?.contextValue, 'openrtc.tenant.process');
  });
});
