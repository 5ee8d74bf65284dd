/**
 * The metric that sums a run up in one number (Home tab results, the live card's sparkline):
 * the objective metric when the run reported it, else the first metric its log reported.
 */
export function mainMetric(metrics: Record<string, number>, objective?: string): string | undefined {
  if (objective !== undefined && Object.hasOwn(metrics, objective)) return objective;
  return Object.keys(metrics)[0];
}
