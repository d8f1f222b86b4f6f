// One wording for a breaker's counts, shared by the CLI and the extension: while closed they are
// the live window; once it opens the window restarts, so the counts shown are the ones it opened on.
import type { BreakerSnapshot } from './control';

export function breakerCountsWords(b: BreakerSnapshot): string {
  return b.state === 'closed'
    ? `${b.failures}/${b.samples} failures in window`
    : `opened on ${b.failures}/${b.samples} failures`;
}
