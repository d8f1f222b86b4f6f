// The attribution module's entry for the Runtime: factories matching its seam
// (runtime/loop-health/attribution-seam.ts).
import type { AttributionFactory } from '../loop-health/attribution-seam';
import { LoopAttribution } from './loop-attribution';

export { LoopAttribution, formatSlowSessionLog, validateThreshold } from './loop-attribution';
export type { BlockReport } from './block-matcher';

/** Where agent bundles evaluated from memory can be looked up (the Runtime's `agentBundle`). */
export interface BundleLookup {
  agentBundle(scriptName: string): string | undefined;
}

/**
 * A factory for `Runtime.start({ attribution })`. Pass a getter for the runtime being started so
 * block frames in agent bundles map back to the agent's .ts:
 *   let rt: Runtime | undefined;
 *   rt = await Runtime.start({ ..., attribution: attributionFor(() => rt) });
 */
export function attributionFor(runtime: () => BundleLookup | undefined): AttributionFactory {
  return (opts) => new LoopAttribution({ ...opts, scriptSource: (name) => runtime()?.agentBundle(name) });
}
