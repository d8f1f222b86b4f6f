// Tenant ids: 1-128 of [A-Za-z0-9_-]. Invalid ids are rejected, never trimmed or relabelled.

export const DEFAULT_TENANT = 'default';
const TENANT_ID = /^[A-Za-z0-9_-]{1,128}$/;

export function isValidTenantId(value: unknown): value is string {
  return typeof value === 'string' && TENANT_ID.test(value);
}

/** Why `value` is not a tenant id, in words an operator can act on; null when it is valid. */
export function tenantIdProblem(value: unknown): string | null {
  if (typeof value !== 'string') return `tenant must be a string, got ${value === null ? 'null' : typeof value}`;
  if (value.length === 0) return 'tenant must not be empty';
  if (value.length > 128) return `tenant is ${value.length} characters long; at most 128 are allowed`;
  const bad = /[^A-Za-z0-9_-]/.exec(value);
  if (bad)
    return `tenant ${JSON.stringify(value.slice(0, 40))} contains ${JSON.stringify(bad[0])}; only letters, digits, '-' and '_' are allowed`;
  return null;
}

/** The tenant a request names: `metadata.tenant`, or "default" when absent. Not validated here. */
export function requestedTenant(metadata: Record<string, unknown> | undefined): unknown {
  const t = metadata?.['tenant'];
  return t === undefined ? DEFAULT_TENANT : t;
}
