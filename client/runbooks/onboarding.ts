// Onboarding a Tenant, the step logic: validate the id and cap, write the tenant's cap into
// openrtc.json keeping the user's comments and layout (jsonc-parser edits), and verify a test
// call shows under the tenant, in the logs and in the snapshot. Pure: text in, text out.
import {
  applyEdits,
  getNodeValue,
  modify,
  parseTree,
  findNodeAtLocation,
  printParseErrorCode,
  type ParseError,
} from 'jsonc-parser';
import type { LogRecord, RuntimeSnapshot } from '../../protocol/control';
import { tenantIdProblem } from '../../protocol/tenant-id';

export function validateCap(text: string): { ok: true; cap: number } | { ok: false; error: string } {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed))
    return { ok: false, error: 'The cap is a whole number of concurrent sessions (1 or more).' };
  const cap = Number(trimmed);
  if (cap < 1 || cap > 100_000) return { ok: false, error: 'The cap must be between 1 and 100000.' };
  return { ok: true, cap };
}

function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${(before[before.length - 1]?.length ?? 0) + 1}`;
}

export type ConfigEditResult = { ok: true; text: string; replaced: number | null } | { ok: false; error: string };

/**
 * Sets `max_sessions_per_tenant.<tenant>` to `cap` in the text of openrtc.json. A file that does
 * not parse, or whose keys have the wrong shape, is refused with where and why; nothing changes.
 */
export function addTenantCap(text: string, tenant: string, cap: number, file = 'openrtc.json'): ConfigEditResult {
  const idProblem = tenantIdProblem(tenant);
  if (idProblem) return { ok: false, error: idProblem };
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first)
    return {
      ok: false,
      error: `${file} does not parse (${printParseErrorCode(first.error)} at ${lineCol(text, first.offset)}); fix it first, nothing was written.`,
    };
  if (!root || root.type !== 'object')
    return { ok: false, error: `${file} must hold a JSON object at the top level; nothing was written.` };
  const caps = findNodeAtLocation(root, ['max_sessions_per_tenant']);
  if (caps && caps.type !== 'object') {
    return {
      ok: false,
      error: `${file}: max_sessions_per_tenant must be an object of {tenant: cap} (it is ${caps.type}, at ${lineCol(text, caps.offset)}); nothing was written.`,
    };
  }
  const existing = caps ? findNodeAtLocation(caps, [tenant]) : undefined;
  const replaced: unknown = existing ? getNodeValue(existing) : null;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  // A new key goes first: appended after the last property it would land before that
  // property's trailing line comment, which would then read as the new tenant's.
  const edits = modify(text, ['max_sessions_per_tenant', tenant], cap, {
    formattingOptions: { insertSpaces: true, tabSize: 2, eol },
    getInsertionIndex: () => 0,
  });
  return { ok: true, text: applyEdits(text, edits), replaced: typeof replaced === 'number' ? replaced : null };
}

export interface VerifyCheck {
  name: string;
  ok: boolean;
  evidence: string;
}

/** After the test call: does the tenant show in the tree (snapshot), in the logs and in the counts? */
export function verifyOnboarding(
  snapshot: RuntimeSnapshot,
  records: readonly LogRecord[],
  tenant: string,
  sessionIds: readonly string[],
  cap: number,
): VerifyCheck[] {
  const t = snapshot.tenants[tenant];
  const ids = new Set(sessionIds);
  const tagged = records.filter((r) => r.tenant === tenant && r.session_id !== null && ids.has(r.session_id));
  const mislabelled = records.filter((r) => r.session_id !== null && ids.has(r.session_id) && r.tenant !== tenant);
  return [
    {
      name: 'Tenant in the snapshot',
      ok: t !== undefined,
      evidence: t
        ? `tenants["${tenant}"]: ${t.started} started, ${t.failures} failed, active ${t.active}`
        : `no "${tenant}" in the snapshot's tenants`,
    },
    {
      name: 'Cap applied',
      ok: t?.cap === cap,
      evidence: t ? `cap in the snapshot: ${t.cap ?? 'none'} (wanted ${cap})` : 'tenant not in the snapshot',
    },
    {
      name: 'Test call counted under the tenant',
      ok: (t?.started ?? 0) >= sessionIds.length && sessionIds.length > 0,
      evidence: `${sessionIds.length} test call(s) placed: ${sessionIds.join(', ') || 'none'}; tenant started ${t?.started ?? 0}`,
    },
    {
      name: 'Logs carry "tenant"',
      ok: tagged.length > 0 && mislabelled.length === 0,
      evidence: mislabelled.length
        ? `${mislabelled.length} record(s) of the test call carry another tenant`
        : `${tagged.length} record(s) of the test call with "tenant": "${tenant}"`,
    },
  ];
}
