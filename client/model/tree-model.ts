// Workers → tenants → sessions as plain nodes. No vscode import: the view maps these 1:1 onto
// TreeItems. Ids are stable (worker id + tenant / session id) so VS Code keeps selection and
// expansion across refreshes and reconnects.
import { describeLoopBlock } from '../../protocol/loop-block';
import { BLOCK_RED_MS } from './status-summary';
import { liveKitLine } from '../../protocol/livekit-view';
import type { RuntimeEvent, RuntimeSnapshot, SessionRow, TenantSnapshot } from '../../protocol/control';
import { sessionIdLabel } from '../../protocol/session-label';
import {
  breakerCountsWords,
  breakerWords,
  capWords,
  durationWords,
  FLEET_MODE_WORDS,
  fleetBreakerWords,
  fleetCapWords,
  fleetStatusWords,
  rejectionWords,
  totalRejections,
} from '../../protocol/wording';
import { percentWords } from './format';
import { applyEvent, applySnapshot, emptyWorker, type WorkerKind, type WorkerState } from './worker-state';
import { fleetGroups, fleetKeyOf, fleetNode, fleetNodeId, fleetTenantNode, fleetTenantTotals } from './fleet-nodes';

/** `fleet` and `fleetTenant`: runtimes sharing one Redis, and a tenant's totals across them (fleet-nodes.ts). */
export type NodeKind = 'worker' | 'tenant' | 'session' | 'fleet' | 'fleetTenant';

/** A codicon id plus an optional theme colour id. */
export interface NodeIcon {
  id: string;
  color?: string;
}

export interface TreeNode {
  id: string;
  kind: NodeKind;
  label: string;
  description: string;
  tooltip: string;
  icon: NodeIcon;
  /** Matched by `view/item/context` menus: openrtc.<kind>.<qualifier>. */
  contextValue: string;
  collapsible: boolean;
  workerId: string;
  tenant: string | null;
  sessionId: string | null;
}

export const workerNodeId = (workerId: string): string => `w|${workerId}`;
export const tenantNodeId = (workerId: string, tenant: string): string => `t|${workerId}|${tenant}`;
export const sessionNodeId = (workerId: string, sessionId: string): string => `s|${workerId}|${sessionId}`;
export const isWorkerNodeId = (nodeId: string): boolean => nodeId.startsWith(workerNodeId(''));
/** Top-level nodes (workers and fleets): a new one means the whole tree is re-requested. */
export const isRootNodeId = (nodeId: string): boolean => isWorkerNodeId(nodeId) || nodeId.startsWith(fleetNodeId(''));

export class TreeModel {
  private readonly workers = new Map<string, WorkerState>();

  addWorker(id: string, label: string, kind: WorkerKind): WorkerState {
    const existing = this.workers.get(id);
    if (existing) return existing;
    const worker = emptyWorker(id, label, kind);
    this.workers.set(id, worker);
    return worker;
  }

  removeWorker(id: string): boolean {
    return this.workers.delete(id);
  }

  worker(id: string): WorkerState | undefined {
    return this.workers.get(id);
  }

  allWorkers(): WorkerState[] {
    return [...this.workers.values()];
  }

  setDisconnected(id: string, problem: string): string[] {
    const worker = this.workers.get(id);
    if (!worker) return [];
    worker.connection = 'disconnected';
    worker.problem = problem;
    return [workerNodeId(id)];
  }

  /** Replaces the worker's state; the whole worker subtree is dirty. */
  applySnapshot(id: string, snapshot: RuntimeSnapshot): string[] {
    const worker = this.workers.get(id);
    if (!worker) return [];
    const fleetBefore = fleetKeyOf(worker);
    applySnapshot(worker, snapshot);
    const fleets = new Set([fleetBefore, fleetKeyOf(worker)].filter((k): k is string => k !== null));
    return [workerNodeId(id), ...[...fleets].map(fleetNodeId)];
  }

  /** Applies a batch of events; returns the node ids whose subtree changed (deduplicated). */
  applyEvents(id: string, events: readonly RuntimeEvent[]): string[] {
    const worker = this.workers.get(id);
    if (!worker) return [];
    const dirty = new Set<string>();
    let knownTenants = worker.tenants.size;
    for (const event of events) {
      const tenant = applyEvent(worker, event);
      // A new tenant appears under the worker, so the worker's children changed too.
      if (tenant === null || worker.tenants.size !== knownTenants) dirty.add(workerNodeId(id));
      if (tenant !== null) dirty.add(tenantNodeId(id, tenant));
      knownTenants = worker.tenants.size;
    }
    // The fleet's totals add this worker's counts.
    const fleet = fleetKeyOf(worker);
    if (fleet !== null && dirty.size) dirty.add(fleetNodeId(fleet));
    return [...dirty];
  }

  roots(nowMs: number): TreeNode[] {
    return [
      ...fleetGroups(this.allWorkers()).map(fleetNode),
      ...[...this.workers.values()].map((w) => workerNode(w, nowMs)),
    ];
  }

  children(node: TreeNode | undefined, nowMs: number): TreeNode[] {
    if (!node) return this.roots(nowMs);
    if (node.kind === 'fleet') {
      const g = fleetGroups(this.allWorkers()).find((x) => fleetNodeId(x.key) === node.id);
      return g ? fleetTenantTotals(g).map((t) => fleetTenantNode(g, t)) : [];
    }
    const worker = this.workers.get(node.workerId);
    if (!worker) return [];
    if (node.kind === 'worker') {
      return [...worker.tenants.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, t]) => tenantNode(worker, name, t, nowMs));
    }
    if (node.kind === 'tenant' && node.tenant !== null) {
      return [...(worker.sessionsByTenant.get(node.tenant)?.values() ?? [])].map((row) =>
        sessionNode(worker, row, nowMs),
      );
    }
    return [];
  }

  /** The current node for an id (for reveal and for commands given only an id). */
  nodeById(nodeId: string, nowMs: number): TreeNode | undefined {
    if (nodeId.startsWith('f|') || nodeId.startsWith('g|')) return this.fleetNodeById(nodeId);
    const [kind, workerId, rest] = splitId(nodeId);
    const worker = workerId === undefined ? undefined : this.workers.get(workerId);
    if (!worker || rest === undefined) return worker && kind === 'w' ? workerNode(worker, nowMs) : undefined;
    if (kind === 't') {
      const t = worker.tenants.get(rest);
      return t && tenantNode(worker, rest, t, nowMs);
    }
    const row = worker.sessions.get(rest);
    return row && sessionNode(worker, row, nowMs);
  }

  private fleetNodeById(nodeId: string): TreeNode | undefined {
    for (const g of fleetGroups(this.allWorkers())) {
      if (nodeId === fleetNodeId(g.key)) return fleetNode(g);
      const total = fleetTenantTotals(g).find((t) => fleetTenantNode(g, t).id === nodeId);
      if (total) return fleetTenantNode(g, total);
    }
    return undefined;
  }
}

/** Oldest first; ids break ties. Plain comparisons: localeCompare is ~100× slower on 1,000 rows. */
function splitId(nodeId: string): [string | undefined, string | undefined, string | undefined] {
  const first = nodeId.indexOf('|');
  if (first < 0) return [undefined, undefined, undefined];
  const kind = nodeId.slice(0, first);
  if (kind === 'w') return [kind, nodeId.slice(first + 1), undefined];
  // Worker ids are socket paths and never contain '|'; tenant and session ids cannot either
  // (tenant ids are [A-Za-z0-9_-]), but split at the last '|' to be safe about the path.
  const last = nodeId.lastIndexOf('|');
  return [kind, nodeId.slice(first + 1, last), nodeId.slice(last + 1)];
}

function workerNode(w: WorkerState, nowMs: number): TreeNode {
  const kindWords =
    w.kind === 'python' ? 'Python OpenRTC' : w.kind === 'bundled' ? 'bundled runtime' : 'attached runtime';
  let description: string;
  let icon: NodeIcon;
  if (w.connection === 'disconnected') {
    description = `disconnected${w.problem ? ` · ${w.problem}` : ''}`;
    icon = { id: 'debug-disconnect', color: 'disabledForeground' };
  } else if (w.connection === 'connecting' || !w.summary) {
    description = 'connecting…';
    icon = { id: 'loading~spin' };
  } else {
    const s = w.summary;
    const open = [...w.tenants.values()].filter((t) => t.breaker.state !== 'closed').length;
    description =
      `${s.active_sessions}/${s.max_concurrent_sessions} sessions · lag p99 ${Math.round(s.loop_lag.p99_ms)}ms` +
      (open ? ` · ${open} breaker${open > 1 ? 's' : ''} open` : '') +
      (s.draining ? ' · draining' : '') +
      (s.fleet && s.fleet.mode !== 'fleet' ? ` · ${FLEET_MODE_WORDS[s.fleet.mode]}` : '') +
      (s.livekit ?? []).map((l) => ` · livekit ${l.state}`).join('');
    icon = { id: 'server-process', color: open ? 'list.warningForeground' : undefined };
    // Answered by the runtime's control thread while its loop is blocked: the blocker leads.
    if (s.loop) {
      description = `loop blocked ${(s.loop.blocked_ms / 1000).toFixed(1)}s by ${s.loop.tenant ?? 'runtime code'}${s.loop.agent_name ? `/${s.loop.agent_name}` : ''} · ${description}`;
      icon = { id: 'watch', color: s.loop.blocked_ms >= BLOCK_RED_MS ? 'errorForeground' : 'list.warningForeground' };
    }
  }
  const lines = [`${w.label} (${kindWords})`, `socket: ${w.id}`, `state: ${w.connection}`];
  if (w.problem) lines.push(`problem: ${w.problem}`);
  if (w.summary) {
    const s = w.summary;
    lines.push(
      `uptime: ${durationWords(s.uptime_seconds + Math.max(0, (nowMs - s.timestamp * 1000) / 1000))}`,
      `sessions: ${s.active_sessions} active, ${s.total_sessions_started} started, ${s.total_session_failures} failed`,
      `loop lag: p50 ${s.loop_lag.p50_ms.toFixed(1)}ms, p99 ${s.loop_lag.p99_ms.toFixed(1)}ms, max ${s.loop_lag.max_ms.toFixed(1)}ms`,
      `RSS: ${Math.round(s.rss_mb)} MB`,
    );
    const folded = s.folded_tenants;
    // Older workers' snapshots have no folded_tenants.
    if (folded !== undefined && folded.tenants > 0) {
      lines.push(
        `idle tenants folded: ${folded.tenants} (started ${folded.started}, failed ${folded.failures}); their rows are gone, their counts are in the totals`,
      );
    }
    // LiveKit worker mode: server URL (never a secret), worker id, agent name, state, load, offers.
    for (const l of s.livekit ?? []) lines.push(liveKitLine(l));
    if (s.fleet) lines.push(fleetStatusWords(s.fleet));
    if (s.last_error) lines.push(`last error: ${s.last_error}`);
    if (s.loop) lines.unshift(describeLoopBlock(s.loop));
  }
  return {
    id: workerNodeId(w.id),
    kind: 'worker',
    label: w.label,
    description,
    tooltip: lines.join('\n'),
    icon,
    contextValue: `openrtc.worker.${w.kind}.${w.connection}`,
    collapsible: true,
    workerId: w.id,
    tenant: null,
    sessionId: null,
  };
}

function breakerIcon(t: TenantSnapshot): NodeIcon {
  if (!t.breaker.enabled) return { id: 'circle-outline' };
  if (t.breaker.state === 'open') return { id: 'error', color: 'errorForeground' };
  if (t.breaker.state === 'half_open') return { id: 'warning', color: 'list.warningForeground' };
  return { id: 'pass', color: 'testing.iconPassed' };
}

function tenantNode(w: WorkerState, name: string, t: TenantSnapshot, nowMs: number): TreeNode {
  const rejected = totalRejections(t.rejections_by_reason);
  const parts = [breakerWords(t.breaker, nowMs), fleetCapWords(t)];
  if (t.failures) parts.push(`${t.failures} failed`);
  if (rejected) parts.push(`${rejected} rejected`);
  if (t.slow_sessions) parts.push(`${t.slow_sessions} slow`);
  if (t.isolation === 'process') parts.push(t.isolation_reason ? 'auto-isolated' : 'isolated');
  const b = t.breaker;
  const tooltip = [
    `tenant ${name}`,
    `active/cap: ${capWords(t)}${t.fleet ? ` here; ${fleetCapWords(t)}` : ''}`,
    `started: ${t.started}, failed: ${t.failures}`,
    `rejections: ${rejectionWords(t.rejections_by_reason)}`,
    `breaker: ${breakerWords(b, nowMs)} (${breakerCountsWords(b)}, cooldown ${b.cooldown_s}s, opened ${b.times_opened}×)`,
    ...(t.fleet ? [`fleet breaker: ${fleetBreakerWords(t.fleet.breaker)}`] : []),
    `slow sessions: ${t.slow_sessions}`,
    `isolation: ${t.isolation === 'process' ? 'own process' : 'shared loop (coroutine)'}`,
    ...(t.isolation_reason ? [t.isolation_reason] : []),
  ].join('\n');
  return {
    id: tenantNodeId(w.id, name),
    kind: 'tenant',
    label: name,
    description: parts.join(' · '),
    tooltip,
    icon: breakerIcon(t),
    contextValue: `openrtc.tenant.${w.kind === 'python' ? 'readonly' : t.isolation}`,
    collapsible: true,
    workerId: w.id,
    tenant: name,
    sessionId: null,
  };
}

/** Live duration: the snapshot's figure, advanced by the time since the session started. */
export function liveDuration(row: SessionRow, nowMs: number): number {
  const started = Date.parse(row.started_at);
  return Number.isNaN(started) ? row.duration_s : Math.max(row.duration_s, (nowMs - started) / 1000);
}

function sessionNode(w: WorkerState, row: SessionRow, nowMs: number): TreeNode {
  const slow = row.status === 'slow';
  const parts = [
    row.status,
    row.agent_name,
    durationWords(liveDuration(row, nowMs)),
    `cpu ${percentWords(row.cpu_pct)}`,
  ];
  if (slow && row.blocked_ms_last !== null) parts.push(`blocked ${Math.round(row.blocked_ms_last)}ms`);
  const top = row.blocked_frames?.[0];
  const tooltip = [
    `session ${row.session_id}`,
    `tenant: ${row.tenant}, agent: ${row.agent_name}`,
    `status: ${row.status}`,
    `started: ${row.started_at}`,
    `cpu: ${percentWords(row.cpu_pct)} of the process over the recent window`,
    `memory: ~${row.mem_mb.toFixed(1)} MB (estimate${row.isolation === 'process' ? ', own process' : ', share of a shared process'})`,
    ...(row.blocked_ms_last !== null ? [`last loop block: ${Math.round(row.blocked_ms_last)}ms`] : []),
    ...(top ? [`at ${top.function} (${top.file}:${top.line}:${top.column})`] : []),
  ].join('\n');
  const icon: NodeIcon = slow
    ? { id: 'watch', color: 'list.warningForeground' }
    : row.status === 'starting'
      ? { id: 'loading~spin' }
      : { id: 'call-outgoing', color: 'testing.iconPassed' };
  return {
    id: sessionNodeId(w.id, row.session_id),
    kind: 'session',
    label: sessionIdLabel(row.session_id),
    description: parts.join(' · '),
    tooltip,
    icon,
    contextValue: `openrtc.session.${slow && top ? 'slowWithSource' : row.status}`,
    collapsible: false,
    workerId: w.id,
    tenant: row.tenant,
    sessionId: row.session_id,
  };
}
