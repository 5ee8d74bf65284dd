/**
 * Numbers as the sweep's sentences show them. The sentences are plain text (like every reply and
 * reason in core): user input in them is quoted with showInput, and the views escape it all.
 */

/** A metric value as people read it: 4 significant digits, scientific for tiny or huge values. */
export function formatValue(n: number): string {
  // The same rule as formatNumber in src/views/format.ts; core cannot import views.
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n) && Math.abs(n) < 1e9) return String(n);
  const a = Math.abs(n);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return n.toExponential(2);
  return String(Number(n.toPrecision(4)));
}

/** `1,000`: counts in sentences. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
