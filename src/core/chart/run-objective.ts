import type { ChartObjective } from './chart-spec.ts';

/**
 * The objective a run was planned with (RunSpec.objective, from its template), if it is a
 * well-formed one: a stored run is read back from a file, so its fields are checked here rather
 * than trusted by every view and chart that marks the best value.
 */
export function runObjective(run: { spec: { objective?: unknown } }): ChartObjective | undefined {
  const objective = run.spec.objective;
  if (typeof objective !== 'object' || objective === null) return undefined;
  const { metric, goal } = objective as Record<string, unknown>;
  if (typeof metric !== 'string' || metric === '' || (goal !== 'min' && goal !== 'max')) return undefined;
  return { metric, goal };
}
