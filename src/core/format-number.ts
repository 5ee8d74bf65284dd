/**
 * Numbers as people read them: 4 significant digits, scientific for tiny or huge values, whole
 * numbers as they are. The one rule for metric values everywhere (cards, sentences, charts), so
 * a value reads the same in a reply as on the chart beside it.
 */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n) && Math.abs(n) < 1e9) return String(n);
  const a = Math.abs(n);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return n.toExponential(2);
  return String(Number(n.toPrecision(4)));
}
