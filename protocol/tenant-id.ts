// Tenant ids: 1-128 of [A-Za-z0-9_-]. Invalid ids are rejected, never trimmed or relabelled.
// One rule and one wording for the runtime's admission, the CLI and the extension's input boxes.

export const DEFAULT_TENANT = 'default';
const TENANT_ID = /^[A-Za-z0-9_-]{1,128}$/;
const NOT_ALLOWED = /[^A-Za-z0-9_-]/g;

export function isValidTenantId(value: unknown): value is string {
  return typeof value === 'string' && TENANT_ID.test(value);
}

function characterName(c: string): string {
  return c === ' ' ? 'space' : `'${c}'`;
}

/** Why `value` is not a tenant id, in words an operator can act on; null when it is valid. */
export function tenantIdProblem(value: unknown): string | null {
  if (typeof value !== 'string') return `tenant must be a string, got ${value === null ? 'null' : typeof value}`;
  if (value.length === 0) return 'tenant must not be empty';
  if (value.length > 128) return `tenant is ${value.length} characters long; at most 128 are allowed`;
  const bad = [...new Set(value.match(NOT_ALLOWED) ?? [])];
  if (bad.length === 0) return null;
  return `tenant ${JSON.stringify(value.slice(0, 40))} contains ${JSON.stringify(bad[0])}; only letters, digits, '-' and '_' are allowed (found ${bad.map(characterName).join(', ')})`;
}
