// Fewer points for a chart than pixels can show: a chart ~800 px wide cannot draw 3,600 points
// a series, so each pixel column keeps only its first and last time, with each series' min and
// max there, in the order they came. A spike, a dip or a breaker change inside a column is never
// lost, and ranges with fewer points than twice the columns are drawn exactly as given.
// Pure (no DOM): the webview's charts call it with the chart's width.

/** Times and the series aligned with them, as uPlot takes them (null: no value). */
export interface Aligned {
  t: number[];
  ys: (number | null)[][];
}

/** At most two points per column of `columns` over [fromT, toT]; `a` itself when it already fits. */
export function minMaxPerColumn(a: Aligned, fromT: number, toT: number, columns: number): Aligned {
  const cols = Math.max(1, Math.floor(columns));
  if (a.t.length <= 2 * cols || !(toT > fromT)) return a;
  const colOf = (t: number): number =>
    Math.min(cols - 1, Math.max(0, Math.floor(((t - fromT) / (toT - fromT)) * cols)));
  const out: Aligned = { t: [], ys: a.ys.map(() => []) };
  let start = 0;
  while (start < a.t.length) {
    const col = colOf(a.t[start] as number);
    let end = start + 1;
    while (end < a.t.length && colOf(a.t[end] as number) === col) end++;
    emit(a, start, end, out);
    start = end;
  }
  return out;
}

/** The column [start, end): one point if it has one, else its first and last time with each series' extremes. */
function emit(a: Aligned, start: number, end: number, out: Aligned): void {
  if (end - start === 1) {
    out.t.push(a.t[start] as number);
    a.ys.forEach((y, s) => out.ys[s]?.push(y[start] ?? null));
    return;
  }
  out.t.push(a.t[start] as number, a.t[end - 1] as number);
  a.ys.forEach((y, s) => {
    let lo = -1;
    let hi = -1;
    for (let i = start; i < end; i++) {
      const v = y[i];
      if (v === null || v === undefined) continue;
      if (lo < 0 || v < (y[lo] as number)) lo = i;
      if (hi < 0 || v > (y[hi] as number)) hi = i;
    }
    const first = lo <= hi ? lo : hi;
    const second = lo <= hi ? hi : lo;
    out.ys[s]?.push(first < 0 ? null : (y[first] as number), second < 0 ? null : (y[second] as number));
  });
}
