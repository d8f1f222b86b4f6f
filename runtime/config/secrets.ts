// tenant_config secrets: only environment variable *names* live in openrtc.json
// (`"api_key_env": "ACME_KEY"`); the value is read from the environment when a session starts and
// handed to that session's ctx.tenantConfig only. Values never reach logs, snapshots or errors.
import type { ConfigProblem } from './types';

const ENV_SUFFIX = '_env';
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECRET_LOOKING_KEY = /(api[_-]?key|secret|token|passw(or)?d|credential|private[_-]?key)/i;

/** Problems with secrets in one tenant's config (no values are ever quoted). */
export function secretProblems(
  tenant: string,
  value: Record<string, unknown>,
): Omit<ConfigProblem, 'line' | 'column'>[] {
  const problems: Omit<ConfigProblem, 'line' | 'column'>[] = [];
  const walk = (obj: Record<string, unknown>, path: string): void => {
    for (const [key, v] of Object.entries(obj)) {
      const keyPath = `${path}.${key}`;
      if (key.endsWith(ENV_SUFFIX)) {
        if (typeof v !== 'string' || !ENV_NAME.test(v)) {
          problems.push({
            keyPath,
            message: 'must be the name of an environment variable (letters, digits, _), not a value',
          });
        }
      } else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
        walk(v as Record<string, unknown>, keyPath);
      } else if (SECRET_LOOKING_KEY.test(key) && typeof v === 'string') {
        problems.push({
          keyPath,
          message: `looks like an inline secret; put it in an environment variable and reference it as ${JSON.stringify(key + ENV_SUFFIX)}: "VAR_NAME"`,
        });
      }
    }
  };
  walk(value, `tenant_config.${tenant}`);
  return problems;
}

export class MissingSecretError extends Error {
  constructor(
    readonly tenant: string,
    readonly variables: string[],
  ) {
    super(`tenant_config.${tenant}: environment variable(s) not set: ${variables.join(', ')}`);
    this.name = 'MissingSecretError';
  }
}

/** The tenant's config with every `<k>_env: NAME` replaced by `<k>: env[NAME]`. */
export function resolveTenantConfig(
  tenant: string,
  raw: Record<string, unknown> | undefined,
  env: NodeJS.ProcessEnv,
): Record<string, unknown> {
  const missing: string[] = [];
  const resolve = (obj: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(obj)) {
      if (key.endsWith(ENV_SUFFIX) && typeof v === 'string') {
        const value = env[v];
        if (value === undefined) missing.push(v);
        else out[key.slice(0, -ENV_SUFFIX.length)] = value;
      } else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
        out[key] = resolve(v as Record<string, unknown>);
      } else {
        out[key] = v;
      }
    }
    return out;
  };
  const resolved = resolve(raw ?? {});
  if (missing.length > 0) throw new MissingSecretError(tenant, missing);
  return Object.freeze(resolved);
}
