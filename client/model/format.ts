// Words for the extension only (the ones the CLI shares are in protocol/wording.ts).

export function percentWords(pct: number): string {
  return `${pct < 10 ? pct.toFixed(1) : Math.round(pct)}%`;
}
