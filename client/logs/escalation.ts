// The escalation bundle handed to a tenant's developers: the session id, tenant, agent and
// the scoped log lines of that tenant only (never another tenant's records, whatever the
// input holds). Pure.
import type { LogRecord } from '../../protocol/control';

export interface BundleInput {
  sessionId: string;
  tenant: string;
  agentName: string | null;
  records: readonly LogRecord[];
  generatedAt: Date;
  /** The finding that led here (from the runbook), shown at the top. */
  reason?: string;
}

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
    `records: ${session.length} from this session, ${rest.length} more from tenant ${input.tenant} (no other tenant's records)`,
  ];
  const jsonl = (records: readonly LogRecord[]): string[] => records.map((r) => JSON.stringify(r));
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
