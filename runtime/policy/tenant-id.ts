// The tenant a request names. The id rule itself is shared with the extension: protocol/tenant-id.ts.
import { DEFAULT_TENANT } from '../../protocol/tenant-id';

/** The tenant a request names: `metadata.tenant`, or "default" when absent. Not validated here. */
export function requestedTenant(metadata: Record<string, unknown> | undefined): unknown {
  const t = metadata?.['tenant'];
  return t === undefined ? DEFAULT_TENANT : t;
}
