// The escalation bundle handed to a tenant's developers: the session id, tenant, agent and
// the scoped log lines of that tenant only (never another tenant's records, whatever the
// input holds), their stacks cut to the agent's own frames, and the files saved beside it (the
// dashboard's picture of that tenant); and the sessions to pick from. Pure.
import type { LogRecord } from '../../protocol/control';
import { tenantStack } from '../../protocol/tenant-stack';

export interface BundleInput {
  sessionId: string;
  tenant: string;
  agentName: string | null;
  records: readonly LogRecord[];
  generatedAt: Date;
  /** The finding that led here (from the runbook), shown at the top. */
  reason?: string;
  attachments?: readonly BundleAttachment[];
}

/** A file saved beside the bundle (`dashboard_png`: the dashboard of this tenant), or why it is not there. */
export type BundleAttachment = { name: string; path: string } | { name: string; missing: string };

/** Where the bundle's attachments come from (the open dashboard: client/dashboard/bundle-attachments.ts). */
export interface BundleAttachments {
  forBundle(target: { workerId: string; tenant: string; sessionId: string }): Promise<BundleAttachment[]>;
}

const attachmentLine = (a: BundleAttachment): string =>
  'path' in a ? `${a.name}: ${a.path}` : `${a.name}: not included (${a.missing})`;

export interface Bundle {
  text: string;
  sessionLines: number;
  tenantLines: number;
}

export function buildBundle(input: BundleInput): Bundle {
  const own = input.records.filter((r) => r.tenant === input.tenant);
  const session = own.filter((r) => r.session_id === input.sessionId);
  const rest = own.filter((r) => r.session_id !== input.sessionId);
  const agent = input.agentName ?? session.find((r) => r.agent_name)?.agent_name ?? 'unknown';
  const header = [
    '# OpenRTC escalation bundle',
    `session_id: ${input.sessionId}`,
    `tenant: ${input.tenant}`,
    `agent_name: ${agent}`,
    `generated_at: ${input.generatedAt.toISOString()}`,
    ...(input.reason ? [`finding: ${input.reason}`] : []),
    ...(input.attachments ?? []).map(attachmentLine),
    `records: ${session.length} from this session, ${rest.length} more from tenant ${input.tenant} (no other tenant's records)`,
  ];
  const jsonl = (records: readonly LogRecord[]): string[] =>
    records.map((r) => JSON.stringify(r.exc_info ? { ...r, exc_info: tenantStack(r.exc_info).text } : r));
  const text = [
    ...header,
    '',
    `## session ${input.sessionId}`,
    ...(session.length ? jsonl(session) : ['(no records)']),
    '',
    `## other records of tenant ${input.tenant}`,
    ...(rest.length ? jsonl(rest) : ['(none)']),
    '',
  ].join('\n');
  return { text, sessionLines: session.length, tenantLines: rest.length };
}

/** A session the escalation step offers: one that failed, when, and how. */
export interface FailedSession {
  sessionId: string;
  agentName: string | null;
  /** Timestamp of its last error record. */
  failedAt: string;
  /** First line of that record's exception (else its message). */
  error: string;
}

/** The sessions with error records or exceptions in `records`, newest failure first. */
export function failedSessions(records: readonly LogRecord[]): FailedSession[] {
  const last = new Map<string, FailedSession>();
  for (const r of records) {
    if (!r.session_id || (r.level.toLowerCase() !== 'error' && !r.exc_info)) continue;
    const error = (r.exc_info?.split(/\r?\n/, 1)[0] ?? '').trim() || r.message;
    const prev = last.get(r.session_id);
    if (prev && prev.failedAt > r.timestamp) continue;
    last.set(r.session_id, {
      sessionId: r.session_id,
      agentName: r.agent_name ?? prev?.agentName ?? null,
      failedAt: r.timestamp,
      error,
    });
  }
  return [...last.values()].sort((a, b) => (a.failedAt < b.failedAt ? 1 : a.failedAt > b.failedAt ? -1 : 0));
}
