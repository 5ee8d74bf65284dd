const BARS = '▁▂▃▄▅▆▇█';
/** A flat series is drawn at mid height, so it reads as "steady" rather than "at its lowest". */
const FLAT = BARS[3];

/**
 * A one-line chart of `values` in at most `width` characters, e.g. `█▆▅▃▂▂▁`, lowest value `▁`,
 * highest `█`. A longer series is averaged into `width` buckets; a shorter one keeps one
 * character per value. Values that are not finite numbers (NaN, ±Infinity) show as a space; a
 * series with one distinct value is flat. Empty for no values or a width below 1.
 */
export function sparkline(values: readonly number[], width: number): string {
  const w = Math.floor(width);
  if (!(w >= 1) || values.length === 0) return '';
  const cells = values.length > w ? buckets(values, w) : values;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of cells) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return cells
    .map((v) => {
      if (!Number.isFinite(v)) return ' ';
      if (hi === lo) return FLAT;
      const span = hi - lo;
      // hi - lo overflows to Infinity for values near ±Number.MAX_VALUE: then in halves (which, the
      // other way round, would underflow to 0 for the tiniest spans).
      const level = Number.isFinite(span) ? (v - lo) / span : (v / 2 - lo / 2) / (hi / 2 - lo / 2);
      return BARS[Math.round(Math.min(1, Math.max(0, level)) * (BARS.length - 1))];
    })
    .join('');
}

/** The mean of the finite values in each of `w` equal slices; NaN for a slice with none. */
function buckets(values: readonly number[], w: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < w; b++) {
    const slice = values.slice(
      Math.floor((b * values.length) / w),
      Math.floor(((b + 1) * values.length) / w),
    );
    const finite = slice.filter(Number.isFinite);
    // Each value divided first, so a slice of huge values cannot overflow the sum.
    out.push(finite.length > 0 ? finite.reduce((sum, v) => sum + v / finite.length, 0) : Number.NaN);
  }
  return out;
}
