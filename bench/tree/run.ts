// Tree model benchmark: the cost of keeping the tree current from the event stream, as ratios
// against rebuilding it from a fresh snapshot, measured in the same run.
//   node --import tsx bench/tree/run.ts [--sessions 1000] [--tenants 10] [--reps 15]
// Figures (median of reps):
//   baseline   applySnapshot(fresh snapshot with N sessions) + build every node of the tree
//   batched    apply 1,000 session events in 100-event batches (the view's 100 ms window),
//              rebuilding only the dirty tenants' children after each batch
//   one batch  apply all 1,000 events, then build every node once
//   unbatched  apply the same events one at a time, rebuilding the dirty tenant after each
//              (what the view would do without batching; 1 rep, it is slow by design)
import { performance } from 'node:perf_hooks';
import {
  noFoldedTenants,
  type RuntimeEvent,
  type RuntimeSnapshot,
  type SessionRow,
  type TenantSnapshot,
} from '../../protocol/control';
import { TreeModel, type TreeNode } from '../../client/model/tree-model';
import { tenant } from '../../test/client/fixtures';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
  return v;
}
const SESSIONS = arg('sessions', 1000);
const TENANTS = arg('tenants', 10);
const REPS = arg('reps', 15);
const EVENTS = 1000;
const W = '/bench.sock';
const NOW = Date.parse('2026-11-29T12:10:00.000Z');

const tenantName = (i: number): string => `tenant-${String(i % TENANTS).padStart(2, '0')}`;

function tenantSnap(active: number): TenantSnapshot {
  return tenant({ active, cap: 500, started: active });
}

function row(i: number): SessionRow {
  return {
    session_id: `S${String(i).padStart(6, '0')}`,
    agent_name: i % 3 ? 'reception' : 'booking',
    tenant: tenantName(i),
    status: 'active',
    duration_s: 30,
    cpu_pct: 0.4,
    mem_mb: 10,
    blocked_ms_last: null,
    blocked_frames: null,
    started_at: new Date(NOW - 60_000 + i).toISOString(),
    isolation: 'coroutine',
  };
}

function freshSnapshot(): RuntimeSnapshot {
  const sessions = Array.from({ length: SESSIONS }, (_, i) => row(i));
  const tenants: Record<string, TenantSnapshot> = {};
  for (const s of sessions) (tenants[s.tenant] ??= tenantSnap(0)).active += 1;
  return {
    timestamp: NOW / 1000,
    uptime_seconds: 600,
    registered_agents: 2,
    active_sessions: SESSIONS,
    total_sessions_started: SESSIONS,
    total_session_failures: 0,
    last_error: null,
    sessions_by_agent: {},
    sessions_by_tenant: {},
    max_concurrent_sessions: SESSIONS * 2,
    tenants,
    folded_tenants: noFoldedTenants(),
    loop_lag: { p50_ms: 1, p99_ms: 5, max_ms: 12 },
    rss_mb: 300,
    draining: false,
    sessions,
  };
}

/** 1,000 session events: half end existing sessions, half start new ones (steady load). */
function sessionEvents(): RuntimeEvent[] {
  const events: RuntimeEvent[] = [];
  for (let i = 0; i < EVENTS / 2; i++) {
    const old = row(i);
    events.push({
      type: 'session_ended',
      ts: new Date(NOW).toISOString(),
      session_id: old.session_id,
      tenant: old.tenant,
      agent_name: old.agent_name,
      duration_s: 60,
    });
    const fresh = row(SESSIONS + i);
    events.push({
      type: 'session_started',
      ts: new Date(NOW).toISOString(),
      session_id: fresh.session_id,
      tenant: fresh.tenant,
      agent_name: fresh.agent_name,
    });
  }
  return events;
}

/** Builds every node, as a fully expanded view would request them. Returns the node count. */
function buildAll(model: TreeModel): number {
  let count = 0;
  const walk = (node: TreeNode | undefined): void => {
    for (const child of model.children(node, NOW)) {
      count += 1;
      if (child.collapsible) walk(child);
    }
  };
  walk(undefined);
  return count;
}

function rebuildDirty(model: TreeModel, dirty: readonly string[]): number {
  let count = 0;
  for (const id of dirty) count += model.children(model.nodeById(id, NOW), NOW).length;
  return count;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function seeded(): TreeModel {
  const m = new TreeModel();
  m.addWorker(W, 'bench', 'bundled');
  m.applySnapshot(W, freshSnapshot());
  return m;
}

const events = sessionEvents();
const snapshots = Array.from({ length: REPS + 2 }, freshSnapshot); // built outside the timed part
const baseline: number[] = [];
const batched: number[] = [];
const oneBatch: number[] = [];
let nodes = 0;
for (let rep = 0; rep < REPS + 2; rep++) {
  const m = seeded();
  const snap = snapshots[rep];
  if (!snap) throw new Error('missing snapshot');
  let t = performance.now();
  m.applySnapshot(W, snap);
  nodes = buildAll(m);
  const b = performance.now() - t;

  const inc = seeded();
  t = performance.now();
  for (let i = 0; i < events.length; i += 100) rebuildDirty(inc, inc.applyEvents(W, events.slice(i, i + 100)));
  const bt = performance.now() - t;

  const once = seeded();
  t = performance.now();
  once.applyEvents(W, events);
  buildAll(once);
  const ob = performance.now() - t;
  if (rep >= 2) {
    // the first two reps warm the JIT
    baseline.push(b);
    batched.push(bt);
    oneBatch.push(ob);
  }
}
const slow = seeded();
const t = performance.now();
for (const e of events) rebuildDirty(slow, slow.applyEvents(W, [e]));
const unbatched = performance.now() - t;

const base = median(baseline);
const fmt = (ms: number): string => `${ms.toFixed(2)} ms`;
console.log(
  `tree model: ${SESSIONS} sessions over ${TENANTS} tenants (${nodes} nodes), ${EVENTS} session events, median of ${REPS} (Node ${process.version})`,
);
console.log(`  baseline  fresh snapshot + full rebuild         ${fmt(base)}  1.00×`);
console.log(
  `  batched   1,000 events in 100s + dirty rebuild  ${fmt(median(batched))}  ${(median(batched) / base).toFixed(2)}× baseline`,
);
console.log(
  `  one batch 1,000 events + full rebuild           ${fmt(median(oneBatch))}  ${(median(oneBatch) / base).toFixed(2)}× baseline`,
);
console.log(
  `  unbatched 1 event at a time + dirty rebuild     ${fmt(unbatched)}  ${(unbatched / base).toFixed(2)}× baseline (1 rep)`,
);
