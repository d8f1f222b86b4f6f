// The message of a "blocks through a helper" finding (ORJ100, ORP100). The core fills it in
// for each chain; the rule tables fill it with placeholders, which is what the docs show.

export interface HelperChain {
  /** The helper the loop code calls, as shown: `load()`. */
  helper: string;
  /** The whole chain: `entry → load() → parse() → fs.readFileSync`. */
  chainText: string;
  /** The code of the blocking call at the end of the chain. */
  leafCode: string;
  /** How to call the helper off the loop unchanged, where the language has a one-liner. */
  offload?: string;
  /** The leaf rule's async replacement. */
  leafReplacement?: string;
}

export function helperCallMessage(chain: HelperChain): string {
  return (
    `${chain.helper} blocks the event loop: ${chain.chainText} (${chain.leafCode}). ` +
    (chain.offload !== undefined ? `Call it as ${chain.offload}, or make it async` : 'Make it async') +
    (chain.leafReplacement !== undefined ? ` (${chain.leafReplacement}).` : '.')
  );
}

/** The same message with placeholders for what the core fills in, for the tables and docs. */
export function helperCallTemplate(offload: string | undefined): string {
  return helperCallMessage({
    helper: '`<helper>()`',
    chainText: '`<loop function> → <helper>() → … → <blocking call>`',
    leafCode: '<its code>',
    ...(offload !== undefined ? { offload } : {}),
    leafReplacement: "<the blocking rule's replacement>",
  });
}
